import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashToken } from '../src/crypto/tokens.js';
import { upsertSyncedUser } from '../src/directory/synced-users.js';
import { Secret } from '@ferry/protocol';
import type { ApiClient } from './helpers/api-client.js';
import { backends, sqliteBackend } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';
import { sessionCookie, setCookieLine, signInToMyAccount } from './helpers/user-client.js';

const SIGN_IN = '/api/v1/me/sign-in';

for (const backend of backends) {
  describe(`My Account sessions, sign-in and password on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    let alice: SeededAdmin;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
      alice = await h.seedAdmin(h.tenantId, 'alice@contoso.test', []);
    });
    after(() => h.stop());

    test('a cloud user signs in: HttpOnly SameSite=Strict cookie, CSRF token, MeView', async () => {
      const { client, response } = await signInToMyAccount(h, alice.upn, alice.password);
      const cookie = setCookieLine(response, 'ferry_user');
      assert.match(cookie!, /HttpOnly/);
      assert.match(cookie!, /SameSite=Strict/);
      assert.equal(response.json.csrfToken.length, 43);
      assert.deepEqual(response.json.user, {
        id: alice.id,
        userPrincipalName: alice.upn,
        displayName: 'alice',
        source: 'cloud',
        methods: [],
        registration: { required: false, missing: 0, allowed: ['email', 'totp'], review: false },
      });
      const me = await client.get('/api/v1/me');
      assert.equal(me.status, 200);
      assert.equal(me.json.id, alice.id);
      // The store keeps only the SHA-256 of the session id.
      const id = sessionCookie(response).split('=')[1]!;
      const rows = await h.cloud.services.db.selectFrom('user_sessions').selectAll().execute();
      assert.ok(rows.some((row) => row.id_hash === hashToken(Secret.of(id))));
      assert.ok(rows.every((row) => row.id_hash !== id && row.csrf_hash !== client.csrfToken));
      const audit = (await h.auditRows()).findLast((row) => row.action === 'me.sign_in');
      assert.equal(audit?.result, 'success');
      assert.equal(audit?.actor_id, alice.id);
    });

    test('registration is required for users in SSPR scope until enough methods exist', async () => {
      const settings = (await admin.get('/api/v1/settings/password-reset')).json;
      const put = await admin.put('/api/v1/settings/password-reset', {
        ...settings,
        ssprEnabled: 'all',
        methodsRequired: 2,
        methodsAllowed: ['email', 'phone', 'totp'],
      });
      assert.equal(put.status, 200, put.body);
      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      assert.deepEqual((await client.get('/api/v1/me')).json.registration, {
        required: true,
        missing: 2,
        allowed: ['email', 'phone', 'totp'],
        review: false,
      });
      await h.cloud.services.methods.setEmail(h.tenantId, alice.id, 'alice@mail.test');
      assert.equal((await client.get('/api/v1/me')).json.registration.missing, 1);
      await admin.put('/api/v1/settings/password-reset', {
        ...settings,
        ssprEnabled: 'all',
        registrationRequiredAtSignIn: false,
      });
      assert.deepEqual((await client.get('/api/v1/me')).json.registration, {
        required: false,
        missing: 0,
        allowed: ['email', 'totp'],
        review: false,
      });
      await admin.put('/api/v1/settings/password-reset', settings);
      await h.cloud.services.methods.remove(h.tenantId, alice.id, 'email');
    });

    test('coverage counts users with enough methods; "require registration" asks them to review once', async () => {
      const settings = (await admin.get('/api/v1/settings/password-reset')).json;
      await admin.put('/api/v1/settings/password-reset', {
        ...settings,
        ssprEnabled: 'all',
        methodsRequired: 1,
        methodsAllowed: ['email', 'totp'],
      });
      const coverage = async () =>
        (await admin.get('/api/v1/settings/password-reset/coverage')).json;
      const before = await coverage();
      assert.equal(before.all.scope, 'all');
      assert.equal(before.synced.usersInScope, 0, 'no synced user in this tenant');
      await h.cloud.services.methods.setEmail(h.tenantId, alice.id, 'alice@mail.test');
      const after = await coverage();
      assert.equal(after.all.usersInScope, before.all.usersInScope);
      assert.equal(after.all.usersReady, before.all.usersReady + 1);
      // A phone is not an allowed method here: it does not count.
      await h.cloud.services.methods.setPhone(h.tenantId, alice.id, '+33600000000');
      assert.equal((await coverage()).all.usersReady, after.all.usersReady);

      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      assert.equal((await client.get('/api/v1/me')).json.registration.required, false);
      const requested = await admin.post('/api/v1/settings/password-reset/require-registration');
      assert.equal(requested.status, 200, requested.body);
      assert.match(requested.json.registrationRequestedAt, /^\d{4}-/);
      assert.deepEqual((await client.get('/api/v1/me')).json.registration, {
        required: true,
        missing: 0,
        allowed: ['email', 'totp'],
        review: true,
      });
      const reviewed = await client.post('/api/v1/me/registration/review');
      assert.equal(reviewed.status, 200, reviewed.body);
      assert.equal(reviewed.json.registration.required, false);
      assert.equal((await client.get('/api/v1/me')).json.registration.review, false);

      await admin.put('/api/v1/settings/password-reset', settings);
      await h.cloud.services.methods.remove(h.tenantId, alice.id, 'email');
      await h.cloud.services.methods.remove(h.tenantId, alice.id, 'phone');
    });

    test('coverage and the registration prompt hold a user with an admin role to the administrator policy (two gates)', async () => {
      const settings = (await admin.get('/api/v1/settings/password-reset')).json;
      await admin.put('/api/v1/settings/password-reset', {
        ...settings,
        ssprEnabled: 'all',
        methodsRequired: 1,
        methodsAllowed: ['email', 'phone'],
      });
      const ready = async () =>
        (await admin.get('/api/v1/settings/password-reset/coverage')).json.all.usersReady;
      const helpdesk = await h.seedAdmin(h.tenantId, 'desk2@contoso.test', ['helpdesk_admin']);
      const before = await ready();
      await h.cloud.services.methods.setEmail(h.tenantId, helpdesk.id, 'helpdesk@mail.test');
      assert.equal(await ready(), before, 'one method is enough for users, not for an admin');
      // My Account (and the sign-in's registration step) asks the admin for the second one.
      const { client } = await signInToMyAccount(h, helpdesk.upn, helpdesk.password);
      const registration = (await client.get('/api/v1/me')).json.registration;
      assert.deepEqual([registration.required, registration.missing], [true, 1]);
      assert.deepEqual(registration.allowed, ['email', 'phone']);
      await h.cloud.services.methods.setPhone(h.tenantId, helpdesk.id, '+33600000001');
      assert.equal(await ready(), before + 1);
      await admin.put('/api/v1/settings/password-reset', settings);
    });

    test('a wrong password answers exactly as an unknown user: 401 invalid_credentials', async () => {
      const wrong = await h.client().post(SIGN_IN, {
        userPrincipalName: alice.upn,
        password: h.password(),
      });
      const unknown = await h.client().post(SIGN_IN, {
        userPrincipalName: 'nobody@contoso.test',
        password: h.password(),
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const strip = (body: { error: Record<string, unknown> }) => ({
        ...body.error,
        requestId: undefined,
      });
      assert.deepEqual(strip(wrong.json), strip(unknown.json));
      assert.equal(wrong.json.error.code, 'invalid_credentials');
      assert.equal(wrong.headers['set-cookie'], undefined);
      const rows = (await h.auditRows()).filter((row) => row.action === 'me.sign_in').slice(-2);
      assert.deepEqual(
        rows.map((row) => [row.result, JSON.parse(row.detail_json!).reason]),
        [
          ['invalid_credentials', 'invalid_credentials'],
          ['invalid_credentials', 'unknown_user'],
        ],
      );
      // The one failure above must not count towards the next test's lockout.
      await signInToMyAccount(h, alice.upn, alice.password);
    });

    test('throttled like the admin sign-in: locked after 5 failures, open again later', async () => {
      const bob = await h.seedAdmin(h.tenantId, 'bob@contoso.test', []);
      for (let i = 0; i < 5; i++) {
        const answer = await h.client().post(SIGN_IN, {
          userPrincipalName: bob.upn,
          password: h.password(),
        });
        assert.equal(answer.json.error.code, 'invalid_credentials', `attempt ${i + 1}`);
      }
      const locked = await h.client().post(SIGN_IN, {
        userPrincipalName: bob.upn,
        password: bob.password,
      });
      assert.equal(locked.status, 423);
      assert.equal(locked.json.error.code, 'sign_in_locked');
      assert.equal(locked.json.error.retryAfter, 15 * 60);
      h.clock.advance(15 * 60_000);
      await signInToMyAccount(h, bob.upn, bob.password);
      const lockout = (await h.auditRows()).filter(
        (row) => row.action === 'me.lockout' && row.target_id === bob.id,
      );
      assert.equal(lockout.length, 1);
    });

    test('a disabled account answers account_disabled only to the right password', async () => {
      const carol = await h.seedAdmin(h.tenantId, 'carol@contoso.test', []);
      await h.cloud.services.db
        .updateTable('users')
        .set({ enabled: 0 })
        .where('id', '=', carol.id)
        .execute();
      const right = await h.client().post(SIGN_IN, {
        userPrincipalName: carol.upn,
        password: carol.password,
      });
      assert.equal(right.status, 403);
      assert.equal(right.json.error.code, 'account_disabled');
      const wrong = await h.client().post(SIGN_IN, {
        userPrincipalName: carol.upn,
        password: h.password(),
      });
      assert.equal(wrong.json.error.code, 'invalid_credentials');
    });

    test('a synced user is checked by the agent: with none online the answer is the one for a wrong password', async () => {
      const synced = await upsertSyncedUser(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        h.tenantId,
        {
          sourceAnchor: h.random(),
          upn: 'dave@corp.test',
          displayName: 'Dave',
          distinguishedName: 'CN=Dave,DC=corp,DC=test',
          enabled: true,
          lockedOut: false,
        },
      );
      const answer = await h.client().post(SIGN_IN, {
        userPrincipalName: synced.upn,
        password: h.password(),
      });
      // A 503 here would tell a synced account from an unknown name (issue 13, item 3).
      assert.equal(answer.status, 401);
      assert.equal(answer.json.error.code, 'invalid_credentials');
      const row = (await h.auditRows()).findLast((r) => r.action === 'me.sign_in');
      assert.equal(row?.result, 'invalid_credentials');
      const detail = JSON.parse(row!.detail_json!);
      assert.equal(detail.source, 'synced');
      assert.equal(detail.reason, 'agent_unavailable');
    });

    test('CSRF: unsafe methods need the x-csrf-token of the session', async () => {
      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      const body = { currentPassword: alice.password, newPassword: h.password() };
      const missing = await client.post('/api/v1/me/password', body, { csrf: false });
      assert.equal(missing.status, 403);
      assert.equal(missing.json.error.code, 'csrf_failed');
      const other = await signInToMyAccount(h, alice.upn, alice.password);
      const foreign = await h.app.inject({
        method: 'POST',
        url: '/api/v1/me/methods/totp',
        headers: { cookie: client.cookie!, 'x-csrf-token': other.client.csrfToken! },
      });
      assert.equal(foreign.statusCode, 403);
      assert.equal(foreign.json().error.code, 'csrf_failed');
      const signOut = await client.post('/api/v1/me/sign-out', {}, { csrf: false });
      assert.equal(signOut.json.error.code, 'csrf_failed');
      assert.equal((await client.get('/api/v1/me')).status, 200, 'GET needs no token');
    });

    test('user and admin sessions do not open each other', async () => {
      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      const adminWithUserCookie = await client.get('/api/v1/users');
      assert.equal(adminWithUserCookie.json.error.code, 'unauthenticated');
      const meWithAdminCookie = await admin.get('/api/v1/me');
      assert.equal(meWithAdminCookie.status, 401);
      assert.equal(meWithAdminCookie.json.error.code, 'unauthenticated');
    });

    test('sessions end after 60 minutes, and at sign-out', async () => {
      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      h.clock.advance(59 * 60_000);
      assert.equal((await client.get('/api/v1/me')).status, 200);
      h.clock.advance(60_000);
      const expired = await client.get('/api/v1/me');
      assert.equal(expired.status, 401);
      assert.equal(expired.json.error.code, 'unauthenticated');

      const second = await signInToMyAccount(h, alice.upn, alice.password);
      const out = await second.client.post('/api/v1/me/sign-out');
      assert.equal(out.status, 200);
      assert.match(String(out.headers['set-cookie']), /ferry_user=;/);
      assert.equal((await second.client.get('/api/v1/me')).status, 401);
    });

    test('password change: wrong current, policy, success; other sessions end', async () => {
      const erin = await h.seedAdmin(h.tenantId, 'erin@contoso.test', []);
      const { client } = await signInToMyAccount(h, erin.upn, erin.password);
      const elsewhere = await signInToMyAccount(h, erin.upn, erin.password);
      const wrong = await client.post('/api/v1/me/password', {
        currentPassword: h.password(),
        newPassword: h.password(),
      });
      assert.equal(wrong.status, 422);
      assert.equal(wrong.json.error.code, 'wrong_current_password');
      const weak = 'Tiny-7x';
      h.secretsUsed.push(weak);
      const policy = await client.post('/api/v1/me/password', {
        currentPassword: erin.password,
        newPassword: weak,
      });
      assert.equal(policy.status, 422);
      assert.equal(policy.json.error.code, 'policy_violation');
      assert.ok(policy.json.error.rules.some((r: { rule: string }) => r.rule === 'too_short'));
      const next = h.password();
      const applied = await client.post('/api/v1/me/password', {
        currentPassword: erin.password,
        newPassword: next,
      });
      assert.equal(applied.status, 200, applied.body);
      assert.deepEqual(applied.json, { outcome: 'applied' });
      assert.equal((await client.get('/api/v1/me')).status, 200, 'this session stays');
      assert.equal((await elsewhere.client.get('/api/v1/me')).status, 401, 'others end');
      const old = await h.client().post(SIGN_IN, {
        userPrincipalName: erin.upn,
        password: erin.password,
      });
      assert.equal(old.json.error.code, 'invalid_credentials');
      await signInToMyAccount(h, erin.upn, next);
      const results = (await h.auditRows())
        .filter((row) => row.action === 'me.password_change' && row.actor_id === erin.id)
        .map((row) => row.result);
      assert.deepEqual(results, ['wrong_current_password', 'policy_violation', 'success']);
    });

    test('a user lists their sessions (browser, address, started, last used) and ends another', async () => {
      const ivy = await h.seedAdmin(h.tenantId, 'ivy@contoso.test', []);
      const laptop = (await signInToMyAccount(h, ivy.upn, ivy.password)).client;
      h.clock.advance(60_000);
      const phone = (await signInToMyAccount(h, ivy.upn, ivy.password)).client;
      h.clock.advance(5 * 60_000);
      assert.equal((await phone.get('/api/v1/me')).status, 200);
      const listed = await laptop.get('/api/v1/me/sessions');
      assert.equal(listed.status, 200, listed.body);
      const [newest, oldest] = listed.json.sessions;
      assert.equal(listed.json.sessions.length, 2);
      assert.equal(oldest.current, true);
      assert.equal(newest.current, false);
      assert.equal(newest.userAgent, 'lightMyRequest');
      assert.equal(newest.sourceIp, '127.0.0.1');
      assert.equal(newest.lastSeenAt, h.clock.now().toISOString(), 'last used just now');
      assert.ok(newest.startedAt > oldest.startedAt);
      // Another user's session id is no handle here.
      const other = (await signInToMyAccount(h, alice.upn, alice.password)).client;
      const othersId = (await other.get('/api/v1/me/sessions')).json.sessions[0].id;
      const foreign = await laptop.delete(`/api/v1/me/sessions/${othersId}`);
      assert.equal(foreign.status, 404);
      assert.equal((await other.get('/api/v1/me')).status, 200);
      const ended = await laptop.delete(`/api/v1/me/sessions/${newest.id}`);
      assert.equal(ended.status, 200, ended.body);
      assert.equal((await phone.get('/api/v1/me')).status, 401);
      const after = await laptop.get('/api/v1/me/sessions');
      assert.deepEqual(
        after.json.sessions.map((s: { current: boolean }) => s.current),
        [true],
      );
      const rows = (await h.auditRows()).filter((r) => r.action === 'me.session_end');
      assert.deepEqual(
        rows.map((r) => r.result),
        ['not_found', 'success'],
      );
      // The listing shows neither the cookie value nor the store's key.
      assert.equal(listed.body.includes(phone.cookie!.split('=')[1]!), false);
      const hashes = await h.cloud.services.db
        .selectFrom('user_sessions')
        .select('id_hash')
        .execute();
      for (const { id_hash } of hashes) assert.equal(listed.body.includes(id_hash), false);
    });

    test('a password reset by an admin ends the sessions opened with the old password', async () => {
      const gus = await h.seedAdmin(h.tenantId, 'gus@contoso.test', []);
      const { client } = await signInToMyAccount(h, gus.upn, gus.password);
      h.clock.advance(1000);
      const reset = await admin.post(`/api/v1/users/${gus.id}/password`, {
        password: h.password(),
      });
      assert.equal(reset.status, 200, reset.body);
      const after = await client.get('/api/v1/me');
      assert.equal(after.status, 401);
      assert.equal(after.json.error.code, 'unauthenticated');
    });

    test('the live check knows the user: their name counts against the password', async () => {
      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      const good = await client.post('/api/v1/me/password/check', { password: h.password() });
      assert.equal(good.status, 200);
      assert.equal(good.json.ok, true);
      const candidate = { password: 'Alice24!xy', locale: 'fr' };
      const mine = await client.post('/api/v1/me/password/check', candidate);
      const anyone = await h.client().post('/api/v1/password-policy/check', candidate);
      assert.equal(anyone.json.ok, true, 'the tenant-wide check knows no name');
      assert.equal(mine.json.ok, false, 'the strength check counts the name as guessable');
      const failed = mine.json.items.filter((item: { status: string }) => item.status === 'fail');
      assert.deepEqual(
        failed.map((item: { rule: string }) => item.rule),
        ['weak'],
      );
      assert.ok(mine.json.items.every((item: { message: string }) => item.message.length > 0));
    });

    test('invalid input answers a typed validation_failed; anonymous calls 401 first', async () => {
      const noPassword = await h.client().post(SIGN_IN, { userPrincipalName: alice.upn });
      assert.equal(noPassword.status, 400);
      assert.equal(noPassword.json.error.code, 'validation_failed');
      assert.ok(
        noPassword.json.error.issues.some((i: { path: string }) => i.path === 'body.password'),
      );
      const extra = await h.client().post(SIGN_IN, {
        userPrincipalName: alice.upn,
        password: 'x',
        admin: true,
      });
      assert.equal(extra.json.error.code, 'validation_failed');
      const badUpn = await h.client().post(SIGN_IN, { userPrincipalName: 'alice', password: 'x' });
      assert.equal(badUpn.json.error.code, 'validation_failed');
      const { client } = await signInToMyAccount(h, alice.upn, alice.password);
      const badChange = await client.post('/api/v1/me/password', { currentPassword: '' });
      assert.equal(badChange.status, 400);
      assert.equal(badChange.json.error.code, 'validation_failed');
      const anonymous = await h.client().post('/api/v1/me/password', { nonsense: 1 });
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.json.error.code, 'unauthenticated');
      assert.ok(typeof anonymous.json.error.requestId === 'string');
    });

    test('no password, session id or CSRF token in the log, audit rows or any table', async () => {
      const logs = h.logLines.join('');
      const dump = await h.dumpAllTables();
      assert.match(dump, /user_sessions/);
      assert.ok(h.secretsUsed.length > 20);
      for (const secret of h.secretsUsed) {
        assert.equal(
          logs.includes(secret),
          false,
          `a secret of length ${secret.length} in the log`,
        );
        assert.equal(dump.includes(secret), false, `a secret of length ${secret.length} stored`);
      }
    });
  });
}

describe('My Account cookies behind https', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start(sqliteBackend, { publicUrl: 'https://ferry.example.test' });
  });
  after(() => h.stop());

  test('the session cookie is Secure and __Host- when the public URL is https', async () => {
    const user = await h.seedAdmin(h.tenantId, 'hank@contoso.test', []);
    const { response } = await signInToMyAccount(h, user.upn, user.password);
    assert.match(setCookieLine(response, '__Host-ferry_user')!, /; Secure/);
    assert.match(setCookieLine(response, '__Host-ferry_user_csrf')!, /; Secure/);
    assert.doesNotMatch(setCookieLine(response, '__Host-ferry_user_csrf')!, /HttpOnly/);
  });
});
