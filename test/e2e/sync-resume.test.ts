import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { createSyncOus, type SyncOus } from '../../packages/agent/test/support/sync-ou.js';
import { eventually } from './support/eventually.js';
import { FerrySystem } from './support/ferry-system.js';

const USERS = 12;
const BATCH_SIZE = 4;

describe('sync end to end: an agent killed mid full import', () => {
  let lab: LabFixture;
  let ous: SyncOus;
  let system: FerrySystem;
  const names = new Set<string>();

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
    for (let index = 0; index < USERS; index += 1) {
      const user = await lab.newUser();
      await ous.place(user, ous.inA);
      names.add(user.sAMAccountName);
    }
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
  });
  after(async () => {
    await system?.stop();
    await ous?.remove();
    await lab?.close();
  });

  test('the next run reads everything again: no user lost, none duplicated', async () => {
    // The cloud applies the first batch; its acknowledgement never reaches the agent, which
    // is killed while it waits: a full import cut after one of three batches.
    const agent = await system.addAgent({
      tap: (tap) => tap.holdRepliesAfter((frame) => frame.includes('"type":"sync_batch"')),
      env: {
        FERRY_AGENT_SYNC: 'true',
        FERRY_AGENT_SYNC_INCLUDE_OUS: ous.root,
        FERRY_AGENT_SYNC_BATCH_SIZE: String(BATCH_SIZE),
      },
    });
    const cut = await eventually(async () => {
      const runs = (await system.api.get('/api/v1/sync/runs')).json.items;
      return runs.length === 1 && runs[0].batches === 1 ? runs[0] : undefined;
    }, 'the first batch to be applied');
    assert.equal(cut.status, 'running');
    assert.equal(cut.added, BATCH_SIZE);
    await agent.process.kill();
    assert.equal((await system.api.get('/api/v1/sync/status')).json.cursor, null);

    await agent.restart();
    const runs = await eventually(async () => {
      const items = (await system.api.get('/api/v1/sync/runs')).json.items;
      return items.some((run: { status: string }) => run.status === 'done') ? items : undefined;
    }, 'a complete full import');
    const done = runs.find((run: { status: string }) => run.status === 'done');
    assert.equal(done.mode, 'full');
    assert.equal(done.added, USERS - BATCH_SIZE, 'the users of the cut run are updated, not added');
    assert.equal(done.updated, BATCH_SIZE);
    assert.equal(runs.find((run: { id: string }) => run.id === cut.id).status, 'interrupted');

    const users = (await system.api.get('/api/v1/users?limit=500')).json.users.filter(
      (user: { source: string }) => user.source === 'synced',
    );
    const synced = users.map(
      (user: { onPremises: { samAccountName: string } }) => user.onPremises.samAccountName,
    );
    assert.equal(synced.length, USERS, 'no duplicates');
    assert.deepEqual(new Set(synced), names, 'no user lost');
    assert.notEqual((await system.api.get('/api/v1/sync/status')).json.cursor, null);
  });
});
