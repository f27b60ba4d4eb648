import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { SyncBatch, SyncedUser } from '@ferry/protocol';
import { setRoles } from '../src/directory/roles.js';
import { applyBatch } from '../src/sync/apply-batch.js';
import { takeSyncLease } from '../src/sync/sync-state.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { signInToMyAccount } from './helpers/user-client.js';

const invocationId = '649c4587-724c-4f70-9fc7-ff144a45035a';

function adUser(anchor: string, upn: string): SyncedUser {
  return {
    sourceAnchor: anchor,
    onPremDn: `CN=${upn.split('@')[0]},OU=Staff,DC=contoso,DC=test`,
    userPrincipalName: upn,
    sAMAccountName: upn.split('@')[0]!,
    mail: null,
    displayName: upn,
    givenName: null,
    sn: null,
    enabled: true,
    lockedOut: false,
    lockoutTime: null,
    passwordLastSet: '2026-02-01T00:00:00.000Z',
    mustChangePassword: false,
    groups: [],
    extra: {},
  };
}

for (const backend of backends) {
  describe(`sync soft match guard on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    const agentId = randomUUID();
    let usn = 0;
    /** A full run of the given directory users, starting at the cloud's cursor. */
    const fullRun = async (upserts: SyncedUser[]) => {
      const runId = randomUUID();
      const from = usn === 0 ? null : { invocationId, usn: String(usn) };
      usn += 10;
      const batch: SyncBatch = {
        runId,
        mode: 'full',
        sequence: 0,
        final: true,
        fromCursor: from,
        toCursor: { invocationId, usn: String(usn) },
        upserts,
        deletes: [],
        refreshedGroups: [],
      };
      const { db, random, audit } = h.cloud.services;
      const verdict = await applyBatch(db, h.tenantId, agentId, batch, h.clock, random, audit);
      assert.equal(verdict.applied, true);
      const runs = (await admin.get('/api/v1/sync/runs')).json.items;
      return runs.find((run: { id: string }) => run.id === runId);
    };

    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
      await takeSyncLease(h.cloud.services.db, h.tenantId, agentId, h.clock, 600_000);
    });
    after(() => h.stop());

    test('an AD user with an admin’s UPN is not matched onto the admin: run and audit say so; once the roles go, a run matches', async () => {
      const target = await h.seedAdmin(h.tenantId, 'boss@contoso.test', ['global_admin']);
      const anchor = '00000000-0000-4000-8000-00000000b055';
      const run = await fullRun([adUser(anchor, target.upn)]);
      assert.equal(run.softMatched, 0);
      assert.equal(run.softMatchBlocked, 1);
      const view = (await admin.get(`/api/v1/users/${target.id}`)).json;
      assert.equal(view.source, 'cloud');
      assert.deepEqual(view.roles, ['global_admin']);
      // The admin still signs in with the cloud password.
      await h.client().signIn(target.upn, target.password);
      const blocked = (await h.auditRows()).filter(
        (row) => row.action === 'sync.soft_match_blocked' && row.target_id === target.id,
      );
      assert.equal(blocked.length, 1);
      assert.match(String(blocked[0]!.detail_json), new RegExp(anchor));

      // An admin resolves it: the account gives up its roles, and the next run matches it.
      const cleared = await admin.put(`/api/v1/users/${target.id}/roles`, { roles: [] });
      assert.equal(cleared.status, 200);
      const again = await fullRun([adUser(anchor, target.upn)]);
      assert.equal(again.softMatched, 1);
      assert.equal((await admin.get(`/api/v1/users/${target.id}`)).json.source, 'synced');
    });

    test('a soft match ends the account’s sessions, drops its cloud-registered methods and its guess counters', async () => {
      const plain = await h.seedAdmin(h.tenantId, 'plain@contoso.test', []);
      const { methods, db } = h.cloud.services;
      await methods.setEmail(h.tenantId, plain.id, 'attacker.home@contoso.test');
      const { client } = await signInToMyAccount(h, plain.upn, plain.password);
      assert.equal((await client.get('/api/v1/me')).status, 200);
      for (let i = 0; i < 5; i++) {
        const guess = h.client();
        guess.remoteAddress = '203.0.113.77';
        await guess.post('/api/v1/me/sign-in', {
          userPrincipalName: plain.upn,
          password: h.password(),
        });
      }
      const countersOf = () =>
        db.selectFrom('guess_counters').selectAll().where('subject', '=', plain.id).execute();
      assert.equal((await countersOf()).length, 2, 'the source and the ceiling count');
      const run = await fullRun([
        adUser('00000000-0000-4000-8000-00000000b055', 'boss@contoso.test'),
        adUser('00000000-0000-4000-8000-0000000000a1', plain.upn),
      ]);
      assert.equal(run.softMatched, 1);
      assert.equal((await client.get('/api/v1/me')).status, 401);
      assert.deepEqual(await methods.list(h.tenantId, plain.id), []);
      assert.deepEqual(await countersOf(), []);
      const matched = (await h.auditRows()).filter(
        (row) => row.action === 'sync.soft_matched' && row.target_id === plain.id,
      );
      assert.equal(matched.length, 1);
    });

    test('admins can remove the roles of a synced user, not add them', async () => {
      const synced = (await admin.get('/api/v1/users?limit=500')).json.users.find(
        (u: { upn: string }) => u.upn === 'plain@contoso.test',
      );
      assert.equal(synced.source, 'synced');
      const { db, clock } = h.cloud.services;
      await setRoles(db, h.tenantId, synced.id, ['helpdesk_admin'], clock.now());
      const add = await admin.put(`/api/v1/users/${synced.id}/roles`, {
        roles: ['helpdesk_admin', 'global_admin'],
      });
      assert.equal(add.json.error.code, 'user_is_synced');
      const remove = await admin.put(`/api/v1/users/${synced.id}/roles`, { roles: [] });
      assert.equal(remove.status, 200);
      assert.deepEqual(remove.json.roles, []);
    });
  });
}
