import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { upsertSyncedUser } from '../src/directory/synced-users.js';
import { Throttle } from '../src/sspr/throttle.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const CHANGE = '/api/v1/self-service/password/change';

for (const backend of backends) {
  describe(`password guessing limits on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
    });
    after(() => h.stop());

    test('the change screen counts wrong current passwords per account and locks, as sign-in does', async () => {
      const kim = await h.seedAdmin(h.tenantId, 'kim@contoso.test', []);
      for (let i = 0; i < 5; i++) {
        const wrong = await h.client().post(CHANGE, {
          userPrincipalName: kim.upn,
          currentPassword: h.password(),
          newPassword: h.password(),
        });
        assert.equal(wrong.json.error.code, 'wrong_current_password', `attempt ${i + 1}`);
      }
      // Even the right current password is refused now, on this route and at sign-in.
      const locked = await h.client().post(CHANGE, {
        userPrincipalName: kim.upn,
        currentPassword: kim.password,
        newPassword: h.password(),
      });
      assert.equal(locked.status, 423);
      assert.equal(locked.json.error.code, 'sign_in_locked');
      const signIn = await h.client().post('/api/v1/me/sign-in', {
        userPrincipalName: kim.upn,
        password: kim.password,
      });
      assert.equal(signIn.json.error.code, 'sign_in_locked');
      const audit = (await h.auditRows()).filter(
        (row) => row.action === 'self_service.lockout' && row.target_id === kim.id,
      );
      assert.equal(audit.length, 1);
    });

    test('parallel wrong sign-ins are all counted: no more than the limit get through', async () => {
      const lea = await h.seedAdmin(h.tenantId, 'lea@contoso.test', []);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          h.client().post('/api/v1/me/sign-in', {
            userPrincipalName: lea.upn,
            password: h.password(),
          }),
        ),
      );
      const checked = answers.filter((answer) => answer.json.error.code === 'invalid_credentials');
      assert.ok(checked.length <= 5, `${checked.length} guesses were checked`);
      assert.ok(
        answers.every((a) => ['invalid_credentials', 'sign_in_locked'].includes(a.json.error.code)),
      );
    });

    test('12 parallel wrong admin sign-ins lock the account once, audited; the right password is then refused', async () => {
      const ada = await h.seedAdmin(h.tenantId, 'ada@contoso.test', ['global_admin']);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          h.client().post('/api/v1/auth/sign-in', { username: ada.upn, password: h.password() }),
        ),
      );
      const checked = answers.filter((answer) => answer.json.error.code === 'sign_in_failed');
      assert.ok(checked.length <= 5, `${checked.length} guesses were checked`);
      assert.ok(
        answers.every((a) => ['sign_in_failed', 'sign_in_locked'].includes(a.json.error.code)),
      );
      const lockouts = (await h.auditRows()).filter(
        (row) => row.action === 'admin.lockout' && row.target_id === ada.id,
      );
      assert.equal(lockouts.length, 1);
      const right = await h
        .client()
        .post('/api/v1/auth/sign-in', { username: ada.upn, password: ada.password });
      assert.equal(right.status, 423);
      assert.equal(right.json.error.code, 'sign_in_locked');
    });

    test('admin and My Account sign-in count apart: guesses at My Account never lock the Admin center', async () => {
      const eva = await h.seedAdmin(h.tenantId, 'eva@contoso.test', ['helpdesk_admin']);
      for (let i = 0; i < 5; i++) {
        const r = await h.client().post('/api/v1/me/sign-in', {
          userPrincipalName: eva.upn,
          password: h.password(),
        });
        assert.equal(r.json.error.code, 'invalid_credentials');
      }
      const me = await h
        .client()
        .post('/api/v1/me/sign-in', { userPrincipalName: eva.upn, password: eva.password });
      assert.equal(me.json.error.code, 'sign_in_locked');
      const admin = await h
        .client()
        .post('/api/v1/auth/sign-in', { username: eva.upn, password: eva.password });
      assert.equal(admin.status, 200);
    });

    test('an admin reset with "must change at next logon" ends the user\'s My Account sessions', async () => {
      const { db } = h.cloud.services;
      const row = await upsertSyncedUser(db, h.clock, h.cloud.services.random, h.tenantId, {
        sourceAnchor: '8d3a1b2c-0000-4000-8000-00000000a001',
        upn: 'max@contoso.test',
        displayName: 'Max',
        distinguishedName: 'CN=max,OU=Staff,DC=contoso,DC=test',
        enabled: true,
        lockedOut: false,
        passwordLastSetAt: h.clock.now().toISOString(),
      });
      const session = await h.cloud.services.userSessions.issue(h.tenantId, row.id);
      const client = h.client();
      client.cookie = `ferry_user=${session.sessionId.reveal()}`;
      assert.equal((await client.get('/api/v1/me')).status, 200);
      // What the writeback stores for "must change" (and sync for AD's pwdLastSet=0).
      await db
        .updateTable('users')
        .set({ password_last_set_at: null })
        .where('id', '=', row.id)
        .execute();
      assert.equal((await client.get('/api/v1/me')).status, 401);
    });

    test('parallel attempts cannot each open a fresh throttle window', async () => {
      const throttle = new Throttle(h.cloud.services.db, h.clock);
      const key = { tenantId: h.tenantId, scope: 'test.burst', subject: 'someone' };
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => throttle.take(key, { max: 5, windowMs: 60_000 })),
      );
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 5);
      h.clock.advance(61_000);
      const next = await Promise.allSettled(
        Array.from({ length: 20 }, () => throttle.take(key, { max: 5, windowMs: 60_000 })),
      );
      assert.equal(next.filter((result) => result.status === 'fulfilled').length, 5);
    });
  });
}
