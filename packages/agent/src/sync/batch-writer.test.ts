import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncBatchSchema, type SyncBatch, type SyncedUser } from '@ferry/protocol';
import { BatchWriter } from './batch-writer.js';

const cursor = { invocationId: '649c4587-724c-4f70-9fc7-ff144a45035a', usn: '42' };
const run = {
  runId: '5f0c6f0e-8f7e-4c57-9d1a-0d3b3f0c1a11',
  mode: 'delta' as const,
  fromCursor: { ...cursor, usn: '40' },
  toCursor: cursor,
};

function user(index: number): SyncedUser {
  return {
    sourceAnchor: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    onPremDn: `CN=u${index},DC=corp`,
    userPrincipalName: null,
    sAMAccountName: `u${index}`,
    mail: null,
    displayName: null,
    givenName: null,
    sn: null,
    enabled: true,
    lockedOut: false,
    lockoutTime: null,
    passwordLastSet: null,
    mustChangePassword: false,
    groups: [],
    extra: {},
  };
}

test('batches fill up to the size, deletes and refreshed groups ride in the final one', async () => {
  const sent: SyncBatch[] = [];
  const writer = new BatchWriter(
    run,
    2,
    async (batch) => void sent.push(syncBatchSchema.parse(batch)),
  );
  await writer.upsert([user(1), user(2), user(3)]);
  writer.delete(user(9).sourceAnchor);
  writer.refreshedGroups(['CN=G,DC=corp']);
  assert.equal(writer.pendingDeletes, 1);
  assert.deepEqual(await writer.finish(), { batches: 2, upserts: 3, deletes: 1 });
  assert.deepEqual(
    sent.map((b) => [b.sequence, b.final, b.upserts.length, b.deletes.length, b.refreshedGroups]),
    [
      [0, false, 2, 0, []],
      [1, true, 1, 1, ['CN=G,DC=corp']],
    ],
  );
});

test('a batch the sink refuses stops the run with the sink’s error', async () => {
  const writer = new BatchWriter(run, 1, async () => {
    throw new Error('cursor mismatch');
  });
  await assert.rejects(writer.upsert([user(1)]), /cursor mismatch/);
});

test('memory stays bounded: the reader waits while the sink holds a batch (one batch in flight)', async () => {
  const held: Array<() => void> = [];
  let inFlight = 0;
  let most = 0;
  const writer = new BatchWriter(run, 2, async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise<void>((resolve) => held.push(resolve));
    inFlight -= 1;
  });
  let accepted = false;
  const reading = writer.upsert([user(1), user(2), user(3), user(4), user(5)]).then(() => {
    accepted = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  // The first full batch is with the sink: the rest of the page is not taken in yet.
  assert.equal(held.length, 1);
  assert.equal(accepted, false);
  held.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(held.length, 1);
  assert.equal(accepted, false);
  held.shift()!();
  await reading;
  assert.equal(most, 1);
});
