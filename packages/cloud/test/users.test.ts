import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { upsertSyncedUser } from '../src/directory/synced-users.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

for (const backend of backends) {
  describe(`users API on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
    });
    after(() => h.stop());

    test('create, read, list with search and paging, update, delete — each audited', async () => {
      const created = await admin.post('/api/v1/users', {
        upn: 'Alice@contoso.test',
        displayName: 'Alice Martin',
        email: 'alice@mail.test',
        password: h.password(),
      });
      assert.equal(created.status, 201);
      assert.equal(created.json.source, 'cloud');
      assert.equal(created.json.enabled, true);
      assert.ok(created.json.passwordLastSetAt);
      assert.equal('password_hash' in created.json, false);
      const id = created.json.id as string;

      const read = await admin.get(`/api/v1/users/${id}`);
      assert.equal(read.json.upn, 'Alice@contoso.test');

      await admin.post('/api/v1/users', { upn: 'bob@contoso.test', displayName: 'Bob' });
      await h.cloud.services.methods.setEmail(h.tenantId, id, 'alice@mail.test');
      const search = await admin.get('/api/v1/users?search=alice');
      assert.deepEqual(
        search.json.users.map((u: { id: string }) => u.id),
        [id],
      );
      assert.deepEqual(search.json.users[0].methods, ['email'], 'the list names the methods');
      const wildcard = await admin.get('/api/v1/users?search=%25');
      assert.deepEqual(wildcard.json.users, [], 'a % in the search is literal');
      // The list reads the roles of a whole page at once: each must match the user's own read.
      const everyone = (await admin.get('/api/v1/users?limit=500')).json.users as Array<{
        id: string;
        roles: string[];
      }>;
      assert.ok(everyone.some((user) => user.roles.includes('global_admin')));
      assert.ok(everyone.some((user) => user.roles.length === 0));
      for (const listed of everyone) {
        const own = await admin.get(`/api/v1/users/${listed.id}`);
        assert.deepEqual(listed.roles, own.json.roles, listed.id);
      }
      const page1 = await admin.get('/api/v1/users?limit=2');
      assert.equal(page1.json.users.length, 2);
      assert.ok(page1.json.nextCursor);
      const page2 = await admin.get(
        `/api/v1/users?limit=2&after=${encodeURIComponent(page1.json.nextCursor)}`,
      );
      const seen = [...page1.json.users, ...page2.json.users].map((u: { upn: string }) => u.upn);
      assert.equal(new Set(seen).size, seen.length);

      const updated = await admin.patch(`/api/v1/users/${id}`, {
        displayName: 'Alice M.',
        enabled: false,
      });
      assert.equal(updated.status, 200);
      assert.equal(updated.json.displayName, 'Alice M.');
      assert.equal(updated.json.enabled, false);

      const deleted = await admin.delete(`/api/v1/users/${id}`);
      assert.equal(deleted.status, 200);
      assert.equal((await admin.get(`/api/v1/users/${id}`)).json.error.code, 'not_found');

      const actions = (await h.auditRows())
        .filter((r) => r.target_id === id && r.actor_id === h.global.id)
        .map((r) => `${r.action}:${r.result}`);
      assert.deepEqual(actions, [
        'user.create:success',
        'user.update:success',
        'user.delete:success',
      ]);
    });

    test('bad input: invalid UPN, short password, duplicate UPN, empty patch, bad id', async () => {
      const bad = await admin.post('/api/v1/users', {
        upn: 'no-at-sign',
        displayName: 'X',
        password: 'short',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'validation_failed');
      const paths = bad.json.error.issues.map((i: { path: string }) => i.path).sort();
      assert.deepEqual(paths, ['body.password', 'body.upn']);
      await admin.post('/api/v1/users', { upn: 'dup@contoso.test', displayName: 'Dup' });
      const dup = await admin.post('/api/v1/users', {
        upn: 'DUP@contoso.test',
        displayName: 'Dup',
      });
      assert.equal(dup.status, 409);
      assert.equal(dup.json.error.code, 'conflict');
      const audit = (await h.auditRows()).findLast((r) => r.action === 'user.create');
      assert.equal(audit?.result, 'conflict');
      const empty = await admin.patch(`/api/v1/users/${h.helpdesk.id}`, {});
      assert.equal(empty.json.error.code, 'validation_failed');
      const badId = await admin.get('/api/v1/users/not-a-uuid');
      assert.equal(badId.json.error.code, 'validation_failed');
      assert.equal(badId.json.error.issues[0].path, 'params.id');
    });

    test('synced users are read-only here (user_is_synced)', async () => {
      const synced = await upsertSyncedUser(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        h.tenantId,
        {
          sourceAnchor: 'b64-guid-1',
          upn: 'carol@contoso.test',
          displayName: 'Carol',
          distinguishedName: 'CN=Carol,OU=Staff,DC=contoso,DC=test',
          samAccountName: 'carol',
          enabled: true,
          lockedOut: false,
          passwordLastSetAt: '2026-02-01T00:00:00.000Z',
        },
      );
      const read = await admin.get(`/api/v1/users/${synced.id}`);
      assert.equal(read.json.source, 'synced');
      assert.equal(read.json.onPremises.samAccountName, 'carol');
      assert.equal(read.json.onPremises.distinguishedName, 'CN=Carol,OU=Staff,DC=contoso,DC=test');
      const patch = await admin.patch(`/api/v1/users/${synced.id}`, { displayName: 'Caroline' });
      assert.equal(patch.status, 409);
      assert.equal(patch.json.error.code, 'user_is_synced');
      assert.equal(
        (await admin.delete(`/api/v1/users/${synced.id}`)).json.error.code,
        'user_is_synced',
      );
    });

    test('an admin cannot delete themself', async () => {
      const response = await admin.delete(`/api/v1/users/${h.global.id}`);
      assert.equal(response.json.error.code, 'conflict');
    });

    test('wrong tenant: the other tenant admin neither sees nor changes these users', async () => {
      const other = await h.signedIn(h.otherGlobal);
      assert.equal(
        (await other.get(`/api/v1/users/${h.helpdesk.id}`)).json.error.code,
        'not_found',
      );
      const patch = await other.patch(`/api/v1/users/${h.helpdesk.id}`, { displayName: 'Hacked' });
      assert.equal(patch.json.error.code, 'not_found');
      assert.equal(
        (await other.delete(`/api/v1/users/${h.helpdesk.id}`)).json.error.code,
        'not_found',
      );
      const list = await other.get('/api/v1/users');
      assert.deepEqual(
        list.json.users.map((u: { upn: string }) => u.upn),
        [h.otherGlobal.upn],
      );
      const unchanged = await admin.get(`/api/v1/users/${h.helpdesk.id}`);
      assert.equal(unchanged.json.displayName, 'helpdesk');
    });

    test('missing rights: a helpdesk admin reads users but cannot create, change or delete', async () => {
      const helpdesk = await h.signedIn(h.helpdesk);
      assert.equal((await helpdesk.get('/api/v1/users')).status, 200);
      const create = await helpdesk.post('/api/v1/users', {
        upn: 'x@contoso.test',
        displayName: 'X',
      });
      assert.equal(create.status, 403);
      assert.equal(create.json.error.code, 'forbidden');
      const patch = await helpdesk.patch(`/api/v1/users/${h.global.id}`, { enabled: false });
      assert.equal(patch.json.error.code, 'forbidden');
      assert.equal(
        (await helpdesk.delete(`/api/v1/users/${h.global.id}`)).json.error.code,
        'forbidden',
      );
      const denied = (await h.auditRows()).filter(
        (r) => r.actor_id === h.helpdesk.id && r.result === 'forbidden',
      );
      assert.deepEqual(
        denied.map((r) => r.action),
        ['user.create', 'user.update', 'user.delete'],
      );
    });
  });
}
