import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { replace, requireOpenLdapState } from '@ferry/lab';
import { syncBatchSchema, type SyncBatch } from '@ferry/protocol';
import { SyncReader } from '../src/sync/index.js';
import { openDirectoryLab, type DirectoryLab } from './support/directory-lab.js';
import { openLab, type LabFixture } from './support/lab.js';
import { createSyncOus, deletesOf, upsertsOf, type SyncOus } from './support/sync-ou.js';

const withoutRunId = (batches: readonly SyncBatch[]) =>
  batches.map(({ runId: _runId, ...rest }) => rest);

describe('sync full import (real Samba AD DC)', () => {
  let lab: LabFixture;
  let ous: SyncOus;

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
  });
  after(async () => {
    await ous.remove();
    await lab.close();
  });

  test('finds the fixture users of OU=Staff with their mapped attributes', async () => {
    const connector = lab.connector();
    const reader = new SyncReader(connector, {
      includeOus: [lab.state.ous.staff],
      excludeOus: [lab.state.ous.bulk, lab.state.ous.tests],
    });
    const batches: SyncBatch[] = [];
    const result = await reader.fullImport(async (batch) => {
      batches.push(syncBatchSchema.parse(batch));
    });
    assert.equal(result.mode, 'full');
    assert.equal(result.fromCursor, null);
    assert.match(result.toCursor.usn, /^\d+$/);
    const users = new Map(upsertsOf(batches).map((user) => [user.sAMAccountName, user]));
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'tom.admin']) {
      assert.ok(users.has(name), `${name} is imported`);
    }
    assert.ok(!users.has('olga'), 'OU=Outside is not in scope');
    assert.ok(![...users.keys()].some((name) => name.startsWith('bulk')), 'OU=Bulk is excluded');

    const alice = users.get('alice')!;
    const found = await connector.findUser({ by: 'sAMAccountName', value: 'alice' });
    assert.ok(found.ok);
    assert.equal(alice.sourceAnchor, found.user.objectGUID);
    assert.equal(alice.onPremDn.toLowerCase(), lab.state.users['alice']!.dn.toLowerCase());
    assert.equal(alice.userPrincipalName, lab.state.users['alice']!.userPrincipalName);
    assert.equal(alice.mail, lab.state.users['alice']!.userPrincipalName);
    assert.equal(alice.givenName, 'Alice');
    assert.equal(alice.sn, 'Martin');
    assert.equal(alice.displayName, 'Alice Martin');
    assert.equal(users.get('carol')!.enabled, false);
    assert.ok(
      users.get('tom.admin')!.groups.some((dn) => dn.toLowerCase().startsWith('cn=domain admins,')),
      'memberOf gives the group DNs',
    );
    assert.equal(result.upserts, users.size);
  });

  test('a must-change user and a user with a password: pwdLastSet mapping', async () => {
    const fresh = await lab.newUser();
    const mustChange = await lab.newUser({ mustChange: true });
    await ous.place(fresh, ous.inA);
    await ous.place(mustChange, ous.inA);
    const reader = new SyncReader(lab.connector(), { includeOus: [ous.inA] });
    const users = upsertsOf((await reader.preview(null)).batches);
    const a = users.find((u) => u.sAMAccountName === fresh.sAMAccountName)!;
    const b = users.find((u) => u.sAMAccountName === mustChange.sAMAccountName)!;
    assert.equal(a.mustChangePassword, false);
    assert.ok(a.passwordLastSet && Date.parse(a.passwordLastSet) > Date.now() - 3_600_000);
    assert.equal(b.mustChangePassword, true);
    assert.equal(b.passwordLastSet, null);
  });

  test('batches are cut at batchSize; only the last is final; all share the cursors', async () => {
    for (let index = 0; index < 3; index += 1) await ous.place(await lab.newUser(), ous.inB);
    const reader = new SyncReader(lab.connector(), { includeOus: [ous.inB], batchSize: 2 });
    const { result, batches } = await reader.preview(null);
    assert.ok(result.upserts >= 3);
    assert.equal(
      batches.length,
      Math.ceil(result.upserts / 2) + (result.upserts % 2 === 0 ? 1 : 0),
    );
    assert.deepEqual(
      batches.map((batch) => batch.final),
      batches.map((_, index) => index === batches.length - 1),
    );
    assert.deepEqual(
      batches.map((batch) => batch.sequence),
      batches.map((_, index) => index),
    );
    for (const batch of batches) {
      assert.ok(batch.upserts.length <= 2);
      assert.deepEqual(batch.toCursor, result.toCursor);
      assert.equal(batch.runId, result.runId);
    }
  });

  test('preview hands out the same batches a run sends', async () => {
    await ous.place(await lab.newUser(), ous.inA);
    const reader = new SyncReader(lab.connector(), { includeOus: [ous.root], batchSize: 2 });
    const preview = await reader.preview(null);
    const sent: SyncBatch[] = [];
    const run = await reader.fullImport(async (batch) => void sent.push(batch));
    // Another writer elsewhere in the domain may move the mark between the two reads.
    assert.equal(run.toCursor.invocationId, preview.result.toCursor.invocationId);
    assert.ok(BigInt(run.toCursor.usn) >= BigInt(preview.result.toCursor.usn));
    const strip = (batches: SyncBatch[]) =>
      withoutRunId(batches).map(({ toCursor: _toCursor, ...rest }) => rest);
    assert.deepEqual(strip(sent), strip(preview.batches));
  });

  test('a run the sink refused mid-way resumes with the same runId and mark, losing no one', async () => {
    for (let index = 0; index < 4; index += 1) await ous.place(await lab.newUser(), ous.inA);
    const reader = new SyncReader(lab.connector(), { includeOus: [ous.inA], batchSize: 2 });
    const expected = new Set(
      upsertsOf((await reader.preview(null)).batches).map((u) => u.sourceAnchor),
    );
    const applied = new Set<string>();
    let interrupted: SyncBatch | undefined;
    await assert.rejects(
      reader.fullImport(async (batch) => {
        if (batch.sequence === 1) {
          interrupted = batch;
          throw new Error('the cloud went away');
        }
        for (const user of batch.upserts) applied.add(user.sourceAnchor);
      }),
      /the cloud went away/,
    );
    assert.ok(interrupted);
    // A change after the first attempt's mark: the resumed run keeps that mark, so the next
    // delta reads this change again.
    const changed = [...expected][0]!;
    const target = upsertsOf((await reader.preview(null)).batches).find(
      (u) => u.sourceAnchor === changed,
    )!;
    await lab.admin.modify(target.onPremDn, [replace('displayName', ['After Mark'])]);

    const resumed: SyncBatch[] = [];
    const result = await reader.fullImport(async (batch) => void resumed.push(batch), {
      resume: { runId: interrupted.runId, toCursor: interrupted.toCursor },
    });
    assert.equal(result.reason, 'resumed');
    assert.equal(result.runId, interrupted.runId);
    assert.deepEqual(result.toCursor, interrupted.toCursor);
    for (const user of upsertsOf(resumed)) applied.add(user.sourceAnchor);
    assert.deepEqual(applied, expected);
    const again = await reader.preview(result.toCursor);
    assert.ok(upsertsOf(again.batches).some((u) => u.sourceAnchor === changed));
  });

  test('scoping: an extra LDAP filter, and a full run with the cloud’s anchors deletes the rest', async () => {
    const sales = await lab.newUser();
    const ops = await lab.newUser();
    const salesDn = await ous.place(sales, ous.inB);
    const opsDn = await ous.place(ops, ous.inB);
    await lab.admin.modify(salesDn, [replace('department', ['Sales'])]);
    await lab.admin.modify(opsDn, [replace('department', ['Ops'])]);
    const reader = new SyncReader(lab.connector(), {
      includeOus: [ous.inB],
      filter: '(department=Sales)',
      extraAttributes: ['department'],
    });
    const gone = '00000000-0000-4000-8000-00000000dead';
    const { batches } = await reader.preview(null, { knownAnchors: new Set([gone]) });
    const names = upsertsOf(batches).map((u) => u.sAMAccountName);
    assert.ok(names.includes(sales.sAMAccountName));
    assert.ok(!names.includes(ops.sAMAccountName));
    assert.deepEqual(
      upsertsOf(batches).find((u) => u.sAMAccountName === sales.sAMAccountName)?.extra,
      { department: ['Sales'] },
    );
    assert.deepEqual(deletesOf(batches), [gone]);
    assert.deepEqual(batches.at(-1)?.deletes, [gone], 'deletes ride in the final batch');

    // No longer matching the filter is leaving scope: the next delta deletes the user.
    const cursor = batches.at(-1)!.toCursor;
    const salesAnchor = upsertsOf(batches).find(
      (u) => u.sAMAccountName === sales.sAMAccountName,
    )!.sourceAnchor;
    await lab.admin.modify(salesDn, [replace('department', ['Ops'])]);
    const delta = await reader.preview(cursor);
    assert.ok(deletesOf(delta.batches).includes(salesAnchor));
  });

  test('a delete threshold hook stops the run before the final batch', async () => {
    const reader = new SyncReader(lab.connector(), { includeOus: [ous.inA], deleteThreshold: 1 });
    const known = new Set([
      '00000000-0000-4000-8000-0000000000a1',
      '00000000-0000-4000-8000-0000000000a2',
    ]);
    const sent: SyncBatch[] = [];
    await assert.rejects(
      reader.fullImport(async (batch) => void sent.push(batch), {
        knownAnchors: known,
        beforeDeletes: (count) => {
          if (count > reader.config.deleteThreshold) throw new Error(`${count} deletes`);
        },
      }),
      /2 deletes/,
    );
    assert.ok(!sent.some((batch) => batch.final));
    const { result } = await reader.preview(null, { knownAnchors: known });
    assert.equal(result.deletes, 2);
    assert.equal(result.deleteThresholdExceeded, true);
  });
});

describe('sync full import (real OpenLDAP slapd): the fixture users in the AD user shape', () => {
  let lab: DirectoryLab;
  before(async () => {
    lab = await openDirectoryLab('openldap');
  });
  after(async () => lab.close());

  test('entryUUID anchors, uid/mail references, ppolicy states and memberOf groups', async () => {
    const connector = lab.connector();
    const state = await requireOpenLdapState();
    const reader = new SyncReader(connector, {
      includeOus: [state.ous.staff],
      excludeOus: [state.ous.bulk, state.ous.tests],
    });
    const batches: SyncBatch[] = [];
    const result = await reader.fullImport(async (batch) => {
      batches.push(syncBatchSchema.parse(batch));
    });
    assert.match(result.toCursor.usn, /^\d{20}$/);
    const users = new Map(upsertsOf(batches).map((user) => [user.sAMAccountName, user]));
    assert.deepEqual([...users.keys()].sort(), ['alice', 'bob', 'carol', 'erin']);
    const alice = users.get('alice')!;
    const found = await connector.findUser({ by: 'sAMAccountName', value: 'alice' });
    assert.ok(found.ok);
    assert.equal(alice.sourceAnchor, found.user.objectGUID);
    assert.equal(alice.userPrincipalName, state.users['alice']!.userPrincipalName);
    assert.equal(alice.displayName, 'Alice Martin');
    assert.deepEqual(alice.groups, [`cn=staff,${state.ous.groups}`]);
    assert.equal(alice.enabled, true);
    assert.equal(users.get('carol')!.enabled, false, 'the administrative lock is disabled');
    assert.equal(users.get('carol')!.lockedOut, false);
    assert.equal(users.get('erin')!.mustChangePassword, true, 'pwdReset');
    assert.equal(alice.mustChangePassword, false);
  });
});
