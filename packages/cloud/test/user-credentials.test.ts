import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { upsertSyncedUser } from '../src/directory/synced-users.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';

for (const backend of backends) {
  describe(`password reset, unlock and roles on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    let helpdesk: ApiClient;
    let employee: SeededAdmin;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
      helpdesk = await h.signedIn(h.helpdesk);
      employee = await h.seedAdmin(h.tenantId, 'employee@contoso.test', []);
    });
    after(() => h.stop());

    test('a helpdesk admin resets a non-admin password; the old one stops working', async () => {
      const newPassword = h.password();
      h.clock.advance(60_000);
      const response = await helpdesk.post(`/api/v1/users/${employee.id}/password`, {
        password: newPassword,
      });
      assert.equal(response.status, 200);
      assert.equal(response.json.outcome, 'applied');
      assert.equal(response.json.operationId, null, 'a cloud-only password never travels');
      assert.equal(response.json.user.passwordLastSetAt, h.clock.now().toISOString());
      // Verify through the store: the new password verifies, the old one does not.
      await admin.put(`/api/v1/users/${employee.id}/roles`, { roles: ['helpdesk_admin'] });
      const old = await h
        .client()
        .post('/api/v1/auth/sign-in', { username: employee.upn, password: employee.password });
      assert.equal(old.json.error.code, 'sign_in_failed');
      await h.client().signIn(employee.upn, newPassword);
      await admin.put(`/api/v1/users/${employee.id}/roles`, { roles: [] });
      const row = (await h.auditRows()).findLast((r) => r.action === 'user.password_reset');
      assert.equal(row?.result, 'success');
      assert.equal(row?.actor_id, h.helpdesk.id);
      assert.equal(row?.target_id, employee.id);
    });

    test('an admin-set password holds to the cloud policy, on a reset and a new user', async () => {
      const weak = await admin.post(`/api/v1/users/${employee.id}/password`, {
        password: 'password',
      });
      assert.equal(weak.status, 422);
      assert.equal(weak.json.error.code, 'policy_violation');
      assert.ok(weak.json.error.rules.some((r: { rule: string }) => r.rule === 'banned'));
      // The user's own name counts against it, as when they choose one themselves.
      const named = await admin.post(`/api/v1/users/${employee.id}/password`, {
        password: 'employee2026',
      });
      assert.equal(named.json.error.code, 'policy_violation');
      const created = await admin.post('/api/v1/users', {
        upn: 'weakling@contoso.test',
        displayName: 'Weakling',
        password: 'password',
      });
      assert.equal(created.json.error.code, 'policy_violation');
      const listed = await admin.get('/api/v1/users?search=weakling');
      assert.equal(listed.json.users?.length ?? 0, 0, 'no user created');
    });

    test('"must change at next logon" holds for a cloud-only user: the temporary password only opens the change screen', async () => {
      const temp = await h.seedAdmin(h.tenantId, 'temp@contoso.test', []);
      const temporary = h.password();
      const reset = await admin.post(`/api/v1/users/${temp.id}/password`, {
        password: temporary,
        mustChangeAtNextLogon: true,
      });
      assert.equal(reset.status, 200, reset.body);
      assert.equal(reset.json.user.passwordLastSetAt, null);
      const me = await h
        .client()
        .post('/api/v1/me/sign-in', { userPrincipalName: temp.upn, password: temporary });
      assert.equal(me.status, 409);
      assert.equal(me.json.error.code, 'must_change_password');
      await admin.put(`/api/v1/users/${temp.id}/roles`, { roles: ['helpdesk_admin'] });
      const adminCenter = await h
        .client()
        .post('/api/v1/auth/sign-in', { username: temp.upn, password: temporary });
      assert.equal(adminCenter.json.error.code, 'must_change_password');
      const chosen = h.password();
      const changed = await h.client().post('/api/v1/self-service/password/change', {
        userPrincipalName: temp.upn,
        currentPassword: temporary,
        newPassword: chosen,
      });
      assert.equal(changed.status, 200, changed.body);
      assert.equal(
        (
          await h
            .client()
            .post('/api/v1/me/sign-in', { userPrincipalName: temp.upn, password: temporary })
        ).json.error.code,
        'invalid_credentials',
      );
      await h.client().signIn(temp.upn, chosen);
      await admin.put(`/api/v1/users/${temp.id}/roles`, { roles: [] });
    });

    test('missing rights: a helpdesk admin cannot reset or unlock an admin, nor grant roles', async () => {
      const reset = await helpdesk.post(`/api/v1/users/${h.global.id}/password`, {
        password: h.password(),
      });
      assert.equal(reset.status, 403);
      assert.equal(reset.json.error.code, 'forbidden');
      const other = await h.seedAdmin(h.tenantId, 'helpdesk2@contoso.test', ['helpdesk_admin']);
      const resetPeer = await helpdesk.post(`/api/v1/users/${other.id}/password`, {
        password: h.password(),
      });
      assert.equal(resetPeer.json.error.code, 'forbidden');
      const unlock = await helpdesk.post(`/api/v1/users/${h.global.id}/unlock`);
      assert.equal(unlock.json.error.code, 'forbidden');
      const roles = await helpdesk.put(`/api/v1/users/${employee.id}/roles`, {
        roles: ['global_admin'],
      });
      assert.equal(roles.json.error.code, 'forbidden');
      const denied = (await h.auditRows()).findLast((r) => r.action === 'user.password_reset');
      assert.equal(denied?.result, 'forbidden');
      assert.equal(denied?.target_id, other.id);
      await h.client().signIn(h.global.upn, h.global.password);
    });

    test('unlock clears a sign-in lock', async () => {
      const locked = await h.seedAdmin(h.tenantId, 'locked@contoso.test', ['helpdesk_admin']);
      for (let i = 0; i < 5; i++) {
        await h
          .client()
          .post('/api/v1/auth/sign-in', { username: locked.upn, password: 'wrong-password' });
      }
      const refused = await h
        .client()
        .post('/api/v1/auth/sign-in', { username: locked.upn, password: locked.password });
      assert.equal(refused.json.error.code, 'sign_in_locked');
      const unlock = await admin.post(`/api/v1/users/${locked.id}/unlock`);
      assert.equal(unlock.status, 200);
      await h.client().signIn(locked.upn, locked.password);
      assert.ok(
        (await h.auditRows()).some((r) => r.action === 'user.unlock' && r.target_id === locked.id),
      );
    });

    test('bad input and synced targets', async () => {
      const short = await admin.post(`/api/v1/users/${employee.id}/password`, {
        password: 'short',
      });
      assert.equal(short.json.error.code, 'validation_failed');
      const role = await admin.put(`/api/v1/users/${employee.id}/roles`, { roles: ['root'] });
      assert.equal(role.json.error.code, 'validation_failed');
      const missing = await admin.post(`/api/v1/users/${h.random()}/password`, {
        password: h.password(),
      });
      assert.equal(missing.json.error.code, 'not_found');
      const synced = await upsertSyncedUser(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        h.tenantId,
        {
          sourceAnchor: 'anchor-dave',
          upn: 'dave@contoso.test',
          displayName: 'Dave',
          distinguishedName: 'CN=Dave,DC=contoso,DC=test',
          enabled: true,
          lockedOut: false,
        },
      );
      // A synced user's password is AD's: with no agent online the cloud says so.
      const reset = await admin.post(`/api/v1/users/${synced.id}/password`, {
        password: h.password(),
      });
      assert.equal(reset.status, 503);
      assert.equal(reset.json.error.code, 'agent_unavailable');
      const unlock = await admin.post(`/api/v1/users/${synced.id}/unlock`, {});
      assert.equal(unlock.json.error.code, 'agent_unavailable');
    });

    test('roles: grant and revoke, and the last global admin cannot be demoted', async () => {
      const granted = await admin.put(`/api/v1/users/${employee.id}/roles`, {
        roles: ['global_admin'],
      });
      assert.deepEqual(granted.json.roles, ['global_admin']);
      const revoked = await admin.put(`/api/v1/users/${employee.id}/roles`, { roles: [] });
      assert.deepEqual(revoked.json.roles, []);
      const last = await admin.put(`/api/v1/users/${h.global.id}/roles`, {
        roles: ['helpdesk_admin'],
      });
      assert.equal(last.status, 409);
      assert.equal(last.json.error.code, 'conflict');
      const rows = (await h.auditRows()).filter((r) => r.action === 'user.roles_set');
      assert.ok(rows.some((r) => r.result === 'success' && r.target_id === employee.id));
      assert.ok(rows.some((r) => r.result === 'conflict' && r.target_id === h.global.id));
    });

    test('wrong tenant: the other tenant admin cannot reset, unlock or grant here', async () => {
      const other = await h.signedIn(h.otherGlobal);
      const reset = await other.post(`/api/v1/users/${employee.id}/password`, {
        password: h.password(),
      });
      assert.equal(reset.json.error.code, 'not_found');
      assert.equal(
        (await other.post(`/api/v1/users/${employee.id}/unlock`)).json.error.code,
        'not_found',
      );
      const roles = await other.put(`/api/v1/users/${employee.id}/roles`, {
        roles: ['global_admin'],
      });
      assert.equal(roles.json.error.code, 'not_found');
    });
  });
}
