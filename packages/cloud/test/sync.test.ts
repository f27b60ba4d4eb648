import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { SyncBatch, SyncCursor, SyncedUser } from '@ferry/protocol';
import { applyBatch } from '../src/sync/apply-batch.js';
import { SyncPreviews } from '../src/sync/sync-previews.js';
import { takeSyncLease } from '../src/sync/sync-state.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const invocationId = '649c4587-724c-4f70-9fc7-ff144a45035a';
const cursor = (usn: number): SyncCursor => ({ invocationId, usn: String(usn) });

function user(index: number, overrides: Partial<SyncedUser> = {}): SyncedUser {
  const hex = index.toString(16).padStart(12, '0');
  return {
    sourceAnchor: `00000000-0000-4000-8000-${hex}`,
    onPremDn: `CN=u${index},OU=Staff,DC=contoso,DC=test`,
    userPrincipalName: `u${index}@contoso.test`,
    sAMAccountName: `u${index}`,
    mail: null,
    displayName: `User ${index}`,
    givenName: null,
    sn: null,
    enabled: true,
    lockedOut: false,
    lockoutTime: null,
    passwordLastSet: '2026-02-01T00:00:00.000Z',
    mustChangePassword: false,
    groups: [],
    extra: {},
    ...overrides,
  };
}

function batch(overrides: Partial<SyncBatch>): SyncBatch {
  return {
    runId: randomUUID(),
    mode: 'delta',
    sequence: 0,
    final: true,
    fromCursor: null,
    toCursor: cursor(1),
    upserts: [],
    deletes: [],
    refreshedGroups: [],
    ...overrides,
  };
}

for (const backend of backends) {
  describe(`sync application on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    let helpdesk: ApiClient;
    let other: ApiClient;
    const agentA = randomUUID();
    const agentB = randomUUID();
    const apply = (b: SyncBatch, agent = agentA) =>
      applyBatch(
        h.cloud.services.db,
        h.tenantId,
        agent,
        b,
        h.clock,
        h.cloud.services.random,
        h.cloud.services.audit,
      );
    const syncedUpns = async () =>
      (await admin.get('/api/v1/users?limit=500')).json.users
        .filter((u: { source: string }) => u.source === 'synced')
        .map((u: { upn: string }) => u.upn)
        .sort();

    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
      helpdesk = await h.signedIn(h.helpdesk);
      other = await h.signedIn(h.otherGlobal);
    });
    after(() => h.stop());

    test('one leader at a time; the lease passes on when it expires', async () => {
      const { db } = h.cloud.services;
      assert.equal((await takeSyncLease(db, h.tenantId, agentA, h.clock, 6_000)).granted, true);
      assert.equal((await takeSyncLease(db, h.tenantId, agentB, h.clock, 6_000)).granted, false);
      assert.equal(
        (await apply(batch({ mode: 'full' }), agentB)).applied,
        false,
        'a non-leader batch is refused',
      );
      h.clock.advance(7_000);
      assert.equal((await takeSyncLease(db, h.tenantId, agentB, h.clock, 6_000)).granted, true);
      assert.equal((await takeSyncLease(db, h.tenantId, agentA, h.clock, 6_000)).granted, false);
      h.clock.advance(7_000);
      assert.equal((await takeSyncLease(db, h.tenantId, agentA, h.clock, 6_000)).granted, true);
    });

    test('a full import in two batches, then deltas that must start at the cloud cursor', async () => {
      const runId = randomUUID();
      const first = await apply(
        batch({
          runId,
          mode: 'full',
          final: false,
          toCursor: cursor(100),
          upserts: [user(1), user(2)],
        }),
      );
      assert.equal(first.applied, true);
      const last = await apply(
        batch({ runId, mode: 'full', sequence: 1, toCursor: cursor(100), upserts: [user(3)] }),
      );
      assert.deepEqual(last, { applied: true, cursor: cursor(100) });
      assert.deepEqual(await syncedUpns(), [
        'u1@contoso.test',
        'u2@contoso.test',
        'u3@contoso.test',
      ]);
      const stale = await apply(
        batch({ fromCursor: cursor(50), toCursor: cursor(120), upserts: [user(4)] }),
      );
      assert.deepEqual(stale, { applied: false, code: 'cursor_mismatch', cursor: cursor(100) });
      const delta = await apply(
        batch({
          fromCursor: cursor(100),
          toCursor: cursor(120),
          upserts: [user(2, { displayName: 'Renamed' })],
          deletes: [user(3).sourceAnchor],
        }),
      );
      assert.equal(delta.applied, true);
      assert.deepEqual(await syncedUpns(), ['u1@contoso.test', 'u2@contoso.test']);
      const runs = (await admin.get('/api/v1/sync/runs')).json.items;
      assert.deepEqual(
        runs.map(
          (run: {
            mode: string;
            added: number;
            updated: number;
            deleted: number;
            status: string;
          }) => [run.mode, run.added, run.updated, run.deleted, run.status],
        ),
        [
          ['delta', 0, 1, 1, 'done'],
          ['full', 3, 0, 0, 'done'],
        ],
      );
    });

    test('a full run removes synced users it did not see; a cloud-only twin is soft-matched', async () => {
      const twin = await admin.post('/api/v1/users', {
        upn: 'u9@contoso.test',
        displayName: 'Cloud twin',
        password: h.password(),
      });
      const runId = randomUUID();
      const verdict = await apply(
        batch({
          runId,
          mode: 'full',
          fromCursor: cursor(120),
          toCursor: cursor(200),
          upserts: [user(1), user(9)],
        }),
      );
      assert.equal(verdict.applied, true);
      assert.deepEqual(await syncedUpns(), ['u1@contoso.test', 'u9@contoso.test']);
      const matched = (await admin.get(`/api/v1/users/${twin.json.id}`)).json;
      assert.equal(matched.source, 'synced');
      assert.equal(matched.onPremises.sourceAnchor, user(9).sourceAnchor);
    });

    test('deletes over the threshold hold the run and the cursor until an admin confirms', async () => {
      assert.equal((await admin.put('/api/v1/sync/settings', { deleteThreshold: 1 })).status, 200);
      const big = batch({
        fromCursor: cursor(200),
        toCursor: cursor(210),
        deletes: [user(1).sourceAnchor, user(9).sourceAnchor],
      });
      const held = await apply(big);
      assert.deepEqual(held, {
        applied: false,
        code: 'delete_threshold',
        cursor: cursor(200),
        pending: 2,
      });
      assert.deepEqual(await syncedUpns(), ['u1@contoso.test', 'u9@contoso.test']);
      assert.equal((await admin.get('/api/v1/sync/status')).json.cursor.usn, '200');
      assert.equal((await admin.post('/api/v1/sync/confirm-deletes', { count: 2 })).status, 202);
      assert.equal((await apply({ ...big, runId: randomUUID() })).applied, true);
      assert.deepEqual(await syncedUpns(), []);
      assert.equal(
        (await admin.get('/api/v1/sync/status')).json.confirmedDeletes,
        null,
        'a confirmation is spent',
      );
      await admin.put('/api/v1/sync/settings', { deleteThreshold: 500 });
      const actions = (await h.auditRows()).map((row) => row.action);
      assert.ok(
        actions.includes('sync.settings_update') && actions.includes('sync.deletes_confirmed'),
      );
    });

    test('AD groups become synced cloud groups whose members follow AD only', async () => {
      const sales = 'CN=Sales\\, EMEA,OU=Groups,DC=contoso,DC=test';
      const staff = 'CN=Staff,OU=Groups,DC=contoso,DC=test';
      // A cloud group already named "Staff": the synced one is named by its DN instead.
      assert.equal((await admin.post('/api/v1/groups', { name: 'Staff' })).status, 201);
      const state = (await admin.get('/api/v1/sync/status')).json.cursor;
      const from = state ? { invocationId: state.invocationId, usn: state.usn } : null;
      const first = await apply(
        batch({
          fromCursor: from,
          toCursor: cursor(300),
          upserts: [user(20, { groups: [sales, staff] }), user(21, { groups: [sales] })],
        }),
      );
      assert.equal(first.applied, true, JSON.stringify(first));
      const groups = async () => {
        const items = (await admin.get('/api/v1/groups')).json.groups as Array<{
          id: string;
          name: string;
          source: string;
        }>;
        const synced = new Map<string, string[]>();
        for (const group of items.filter((item) => item.source === 'synced')) {
          const members = (await admin.get(`/api/v1/groups/${group.id}/members`)).json.members;
          synced.set(group.name, members.map((m: { upn: string }) => m.upn).sort());
        }
        return { synced, ids: new Map(items.map((item) => [item.name, item.id])) };
      };
      let seen = await groups();
      assert.deepEqual(seen.synced.get('Sales, EMEA'), ['u20@contoso.test', 'u21@contoso.test']);
      assert.deepEqual(seen.synced.get(staff), ['u20@contoso.test']);
      // u20 left Staff (its own memberOf says so); u21 left Sales, which AD shows only
      // by the group being re-read: u21 is not among the members this run upserted.
      const second = await apply(
        batch({
          fromCursor: cursor(300),
          toCursor: cursor(310),
          upserts: [user(20, { groups: [sales] })],
          refreshedGroups: [sales],
        }),
      );
      assert.equal(second.applied, true);
      seen = await groups();
      assert.deepEqual(seen.synced.get('Sales, EMEA'), ['u20@contoso.test']);
      assert.deepEqual(seen.synced.get(staff), []);
      const user21 = (await admin.get('/api/v1/users?limit=500')).json.users.find(
        (u: { upn: string }) => u.upn === 'u21@contoso.test',
      );
      const edit = await admin.put(
        `/api/v1/groups/${seen.ids.get('Sales, EMEA')}/members/${user21.id}`,
        {},
      );
      assert.equal(edit.json.error.code, 'conflict', 'synced membership is managed in AD');
    });

    test('a preview counts what a full run would add, update, soft-match and delete, writing nothing', async () => {
      const { db } = h.cloud.services;
      const previews = new SyncPreviews(db, h.clock);
      const before = await syncedUpns();
      assert.ok(before.includes('u20@contoso.test') && before.includes('u21@contoso.test'));
      await admin.post('/api/v1/users', {
        upn: 'u31@contoso.test',
        displayName: 'Cloud twin 31',
        password: h.password(),
      });
      const runId = randomUUID();
      const first = await previews.compare(
        h.tenantId,
        agentA,
        batch({ runId, mode: 'full', final: false, upserts: [user(20), user(30)] }),
      );
      assert.equal(first.added, 1);
      const last = await previews.compare(
        h.tenantId,
        agentA,
        batch({
          runId,
          mode: 'full',
          sequence: 1,
          upserts: [user(31), user(20, { displayName: 'Renamed 20' })],
        }),
      );
      // u20 appears twice (unchanged, then renamed): counted as read, as a real run would.
      assert.deepEqual(
        {
          added: last.added,
          softMatched: last.softMatched,
          updated: last.updated,
          unchanged: last.unchanged,
        },
        { added: 1, softMatched: 1, updated: 1, unchanged: 1 },
      );
      assert.equal(last.deleted, before.length - 1, 'every synced user but u20 is unseen');
      assert.ok(last.examples.deleted.includes('u21@contoso.test'));
      assert.deepEqual(last.examples.added, ['u30@contoso.test', 'u31@contoso.test']);
      assert.deepEqual(await syncedUpns(), before, 'nothing applied');
    });

    test('run-now asks the live leader; without one it is a conflict', async () => {
      const { db } = h.cloud.services;
      assert.equal((await takeSyncLease(db, h.tenantId, agentB, h.clock, 6_000)).granted, false);
      h.clock.advance(7_000);
      assert.equal((await takeSyncLease(db, h.tenantId, agentB, h.clock, 6_000)).granted, true);
      const asked = await admin.post('/api/v1/sync/run-now');
      assert.equal(asked.status, 202);
      assert.equal(asked.json.leaderAgentId, agentB);
      assert.equal((await helpdesk.post('/api/v1/sync/run-now')).json.error.code, 'forbidden');
      h.clock.advance(7_000);
      assert.equal((await admin.post('/api/v1/sync/run-now')).json.error.code, 'conflict');
    });

    test('bad input, missing rights, wrong tenant', async () => {
      assert.equal(
        (await admin.put('/api/v1/sync/settings', { deleteThreshold: -1 })).json.error.code,
        'validation_failed',
      );
      assert.equal(
        (await admin.post('/api/v1/sync/confirm-deletes', { count: 0 })).json.error.code,
        'validation_failed',
      );
      assert.equal((await helpdesk.get('/api/v1/sync/status')).status, 200);
      assert.equal(
        (await helpdesk.put('/api/v1/sync/settings', { deleteThreshold: 5 })).json.error.code,
        'forbidden',
      );
      assert.equal(
        (await helpdesk.post('/api/v1/sync/confirm-deletes', { count: 5 })).json.error.code,
        'forbidden',
      );
      const theirs = (await other.get('/api/v1/sync/status')).json;
      assert.equal(theirs.cursor, null, "another tenant does not see this tenant's sync");
      assert.deepEqual((await other.get('/api/v1/sync/runs')).json.items, []);
    });
  });
}
