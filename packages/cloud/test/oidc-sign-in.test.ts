import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { startMailCatcher, type MailCatcher } from '../../../test/support/mail-catcher.js';
import { clearGuessCounters } from '../src/auth/guess-guard.js';
import { totpCode, totpStep } from '../src/verification/totp.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';
import { listening, newWalker, registerApp, type RegisteredApp } from './helpers/oidc-fixture.js';

for (const backend of backends) {
  describe(`application sign-in steps on ${backend.name}`, () => {
    let h: Harness;
    let mail: MailCatcher;
    let admin: ApiClient;
    let issuer: string;
    let base: string;

    before(async () => {
      mail = await startMailCatcher();
      h = await Harness.start(backend, { smtpUrl: mail.url });
      h.clock.advance(Date.now() - h.clock.now().getTime());
      admin = await h.signedIn(h.global);
      ({ base, issuer } = await listening(h));
    });
    after(async () => {
      await h.stop();
      await mail.stop();
    });

    let counter = 0;
    const newUser = async (): Promise<SeededAdmin> =>
      h.seedAdmin(h.tenantId, `user${++counter}-${h.random().slice(0, 6)}@contoso.test`, []);

    async function withTotp(user: SeededAdmin): Promise<Secret> {
      const seed = Secret.of('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
      await h.cloud.services.methods.setTotp(h.tenantId, user.id, seed);
      return seed;
    }
    /** A code of a later step than any used so far (each step works once per user). */
    const nextCode = (seed: Secret) => {
      h.clock.advance(30_000);
      return totpCode(seed, totpStep(h.clock.now())).reveal();
    };

    async function begin(app: RegisteredApp, walker = newWalker(), scope = 'openid profile') {
      const pending = await app.rp.authorizationUrl(scope);
      const hop = await walker.go(pending.url);
      assert.equal(hop.kind, 'page');
      const uid = (hop as { uid: string }).uid;
      const state = await walker.state(uid, base);
      assert.equal(state.status, 200, state.text);
      return { walker, pending, uid, state: state.json };
    }

    test('the application requires MFA: the authenticator code is asked after the password', async () => {
      const app = await registerApp(h, admin, issuer, { mfaRequired: true, tenantConsent: true });
      const user = await newUser();
      const seed = await withTotp(user);
      const { walker, pending, uid } = await begin(app);
      const afterPassword = await walker.step(uid, base, 'password', {
        userPrincipalName: user.upn,
        password: user.password,
      });
      assert.equal(afterPassword.status, 200, afterPassword.text);
      assert.equal(afterPassword.json.stage, 'mfa');
      assert.deepEqual(afterPassword.json.secondFactor.methods, [{ kind: 'totp', hint: null }]);
      assert.equal(afterPassword.json.redirectTo, null);
      const wrong = await walker.step(uid, base, 'second-factor/verify', {
        kind: 'totp',
        code: '000000',
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error.code, 'verification_failed');
      const right = await walker.step(uid, base, 'second-factor/verify', {
        kind: 'totp',
        code: nextCode(seed),
      });
      assert.equal(right.status, 200, right.text);
      const hop = await walker.go(right.json.redirectTo);
      assert.equal(hop.kind, 'callback');
      const tokens = await app.rp.callback((hop as { url: string }).url, pending);
      assert.deepEqual(tokens.claims()?.['amr'], ['pwd', 'otp', 'mfa']);

      // Another application without MFA, then this one: the session is stepped up, the
      // password is not asked again.
      const plain = await registerApp(h, admin, issuer, { tenantConsent: true });
      const other = newWalker();
      const first = await plain.rp.authorizationUrl();
      await other.signIn(first.url, { upn: user.upn, password: user.password });
      const stepUp = await begin(app, other);
      assert.equal(stepUp.state.stage, 'mfa');
      assert.equal(stepUp.state.userPrincipalName, user.upn);
    });

    test('the tenant requires MFA: a code by mail, once; five wrong answers lock the account', async () => {
      await admin.put('/api/v1/settings/sign-in', { mfaRequired: true });
      try {
        const app = await registerApp(h, admin, issuer, { tenantConsent: true });
        const user = await newUser();
        const address = `${user.upn.split('@')[0]}@mail.contoso.test`;
        await h.cloud.services.methods.setEmail(h.tenantId, user.id, address);
        const { walker, uid } = await begin(app);
        const view = await walker.step(uid, base, 'password', {
          userPrincipalName: user.upn,
          password: user.password,
        });
        assert.equal(view.json.stage, 'mfa');
        assert.deepEqual(view.json.secondFactor.methods, [
          { kind: 'email', hint: `${address[0]}•••@mail.contoso.test` },
        ]);
        const sent = await walker.step(uid, base, 'second-factor/send', { kind: 'email' });
        assert.equal(sent.status, 200, sent.text);
        const message = await mail.waitFor(address, (item) => /\b\d{6}\b/.test(item.text));
        const code = /\b(\d{6})\b/.exec(message.text)![1]!;
        h.secretsUsed.push(code);
        const ok = await walker.step(uid, base, 'second-factor/verify', { kind: 'email', code });
        assert.equal(ok.status, 200, ok.text);
        assert.ok(ok.json.redirectTo);

        const victim = await newUser();
        await withTotp(victim);
        const attack = await begin(app);
        await attack.walker.step(attack.uid, base, 'password', {
          userPrincipalName: victim.upn,
          password: victim.password,
        });
        const answers = [];
        for (let i = 0; i < 6; i++) {
          answers.push(
            await attack.walker.step(attack.uid, base, 'second-factor/verify', {
              kind: 'totp',
              code: String(100000 + i),
            }),
          );
        }
        assert.deepEqual(
          answers.map((a) => a.status),
          [401, 401, 401, 401, 401, 423],
        );
        assert.equal(answers[5]!.json.error.code, 'sign_in_locked');
      } finally {
        await admin.put('/api/v1/settings/sign-in', { mfaRequired: false });
      }
    });

    test('only assigned users and groups sign in; the audit log says so per application', async () => {
      const user = await newUser();
      const group = await admin.post('/api/v1/groups', { name: `Pilot ${h.random().slice(0, 6)}` });
      const app = await registerApp(h, admin, issuer, {
        access: 'assigned',
        assignments: [{ type: 'group', id: group.json.id }],
        tenantConsent: true,
      });
      const refused = await begin(app);
      const answer = await refused.walker.step(refused.uid, base, 'password', {
        userPrincipalName: user.upn,
        password: user.password,
      });
      assert.equal(answer.status, 403);
      assert.equal(answer.json.error.code, 'application_not_assigned');
      const added = await admin.put(`/api/v1/groups/${group.json.id}/members/${user.id}`);
      assert.ok(added.status < 300, added.body);
      const walker = newWalker();
      const pending = await app.rp.authorizationUrl();
      const callback = await walker.signIn(pending.url, { upn: user.upn, password: user.password });
      await app.rp.callback(callback, pending);
      const rows = (await h.auditRows()).filter(
        (row) => row.action === 'oidc.sign_in' && row.target_id === app.clientId,
      );
      assert.deepEqual(
        rows.map((row) => row.result),
        ['application_not_assigned', 'success'],
      );
      assert.ok(rows.every((row) => row.actor_id === user.id && row.target_type === 'application'));
      const listed = await admin.get(`/api/v1/audit?action=oidc.sign_in`);
      assert.equal(listed.status, 200);
    });

    test('consent is asked once per application, never when the admin granted it for the tenant', async () => {
      const user = await newUser();
      const app = await registerApp(h, admin, issuer);
      const first = newWalker();
      const pending = await app.rp.authorizationUrl('openid profile email');
      await first.signIn(pending.url, { upn: user.upn, password: user.password });
      assert.deepEqual(first.seen, ['password', 'consent']);
      const second = newWalker();
      const again = await app.rp.authorizationUrl('openid profile email');
      await second.signIn(again.url, { upn: user.upn, password: user.password });
      assert.deepEqual(second.seen, ['password'], 'a new browser, no new consent');
      const wider = newWalker();
      const more = await app.rp.authorizationUrl('openid profile email groups');
      await wider.signIn(more.url, { upn: user.upn, password: user.password });
      assert.deepEqual(wider.seen, ['password', 'consent'], 'a new scope is asked for');

      const declined = await begin(await registerApp(h, admin, issuer), newWalker());
      const view = await declined.walker.step(declined.uid, base, 'password', {
        userPrincipalName: user.upn,
        password: user.password,
      });
      const consentPage = await declined.walker.go(view.json.redirectTo);
      const consentUid = (consentPage as { uid: string }).uid;
      const consentState = await declined.walker.state(consentUid, base);
      assert.equal(consentState.json.stage, 'consent');
      assert.deepEqual(consentState.json.consent.scopes.sort(), ['openid', 'profile']);
      const no = await declined.walker.step(consentUid, base, 'consent', { accept: false });
      const back = await declined.walker.go(no.json.redirectTo);
      assert.equal(
        new URL((back as { url: string }).url).searchParams.get('error'),
        'access_denied',
      );

      const tenantWide = await registerApp(h, admin, issuer, { tenantConsent: true });
      const walker = newWalker();
      const p = await tenantWide.rp.authorizationUrl('openid profile email groups');
      await walker.signIn(p.url, { upn: user.upn, password: user.password });
      assert.deepEqual(walker.seen, ['password']);
    });

    test('registration required at sign-in: methods are registered, then the sign-in goes on', async () => {
      const settings = await admin.get('/api/v1/settings/password-reset');
      await admin.put('/api/v1/settings/password-reset', {
        ...settings.json,
        ssprEnabled: 'all',
        methodsRequired: 1,
        methodsAllowed: ['email', 'totp'],
        registrationRequiredAtSignIn: true,
      });
      try {
        const app = await registerApp(h, admin, issuer, { tenantConsent: true });
        const user = await newUser();
        const { walker, uid, pending } = await begin(app);
        const view = await walker.step(uid, base, 'password', {
          userPrincipalName: user.upn,
          password: user.password,
        });
        assert.equal(view.json.stage, 'register');
        assert.equal(view.json.registration.reason, 'required');
        const csrf = view.json.registration.csrfToken as string;
        h.secretsUsed.push(csrf, walker.agent.cookieValue('ferry_user')!);
        const early = await walker.step(uid, base, 'continue');
        assert.equal(early.json.stage, 'register', 'nothing registered yet');
        const started = await walker.agent.request('POST', `${base}/api/v1/me/methods/totp`, {
          json: {},
          headers: { 'x-csrf-token': csrf },
        });
        assert.equal(started.status, 200, started.text);
        const seed = Secret.of(new URL(started.json.otpauthUri).searchParams.get('secret')!);
        h.secretsUsed.push(seed.reveal());
        const confirmed = await walker.agent.request(
          'POST',
          `${base}/api/v1/me/methods/totp/confirm`,
          {
            json: { code: nextCode(seed) },
            headers: { 'x-csrf-token': csrf },
          },
        );
        assert.equal(confirmed.status, 200, confirmed.text);
        const done = await walker.step(uid, base, 'continue');
        assert.equal(done.status, 200, done.text);
        const hop = await walker.go(done.json.redirectTo);
        await app.rp.callback((hop as { url: string }).url, pending);
      } finally {
        await admin.put('/api/v1/settings/password-reset', settings.json);
      }
    });

    test('guessing: no enumeration, lockout after five, steps need the page’s token and the browser’s cookie', async () => {
      const app = await registerApp(h, admin, issuer, { tenantConsent: true });
      const user = await newUser();
      const { walker, uid } = await begin(app);
      const unknown = await walker.step(uid, base, 'password', {
        userPrincipalName: `nobody-${h.random().slice(0, 6)}@contoso.test`,
        password: h.password(),
      });
      const wrong = await walker.step(uid, base, 'password', {
        userPrincipalName: user.upn,
        password: h.password(),
      });
      assert.equal(unknown.status, 401);
      assert.deepEqual(
        { ...unknown.json.error, requestId: null },
        { ...wrong.json.error, requestId: null },
      );
      for (let i = 0; i < 4; i++) {
        await walker.step(uid, base, 'password', {
          userPrincipalName: user.upn,
          password: h.password(),
        });
      }
      const locked = await walker.step(uid, base, 'password', {
        userPrincipalName: user.upn,
        password: user.password,
      });
      assert.equal(locked.status, 423);
      assert.equal(locked.json.error.code, 'sign_in_locked');
      assert.ok(
        (await h.auditRows()).some(
          (row) => row.action === 'oidc.lockout' && row.target_id === user.id,
        ),
      );
      await clearGuessCounters(h.cloud.services.db, user.tenantId, user.id);

      const noToken = await walker.agent.request('POST', `${base}/api/v1/sign-in/${uid}/password`, {
        json: { userPrincipalName: user.upn, password: user.password },
      });
      assert.equal(noToken.status, 403);
      assert.equal(noToken.json.error.code, 'csrf_failed');
      const stranger = newWalker();
      const elsewhere = await stranger.state(uid, base);
      assert.equal(elsewhere.status, 410);
      assert.equal(elsewhere.json.error.code, 'sign_in_expired');
      const parallel = await Promise.all(
        [1, 2, 3].map(() =>
          walker.step(uid, base, 'password', {
            userPrincipalName: user.upn,
            password: user.password,
          }),
        ),
      );
      assert.equal(parallel.filter((answer) => answer.status === 200).length, 1, 'one step wins');
    });

    test('a disabled application cannot start a sign-in', async () => {
      const app = await registerApp(h, admin, issuer, { tenantConsent: true });
      const current = await admin.get(`/api/v1/applications/${app.clientId}`);
      const input = Object.fromEntries(
        Object.entries(current.json).filter(
          ([key]) =>
            !['clientId', 'hasSecret', 'secretCreatedAt', 'createdAt', 'updatedAt'].includes(key),
        ),
      );
      const off = await admin.put(`/api/v1/applications/${app.clientId}`, {
        ...input,
        enabled: false,
      });
      assert.equal(off.status, 200, off.body);
      const walker = newWalker();
      const pending = await app.rp.authorizationUrl();
      const answer = await walker.agent.get(pending.url);
      assert.equal(answer.status, 400);
      assert.match(answer.text, /data-error="invalid_client"/);
    });

    test('no client secret, code, token, session id or password in the store or the logs', async () => {
      const app = await registerApp(h, admin, issuer, {
        tenantConsent: true,
        scopes: ['profile', 'offline_access'],
      });
      const user = await newUser();
      const walker = newWalker();
      const pending = await app.rp.authorizationUrl('openid profile offline_access');
      const callback = await walker.signIn(pending.url, { upn: user.upn, password: user.password });
      const tokens = await app.rp.callback(callback, pending);
      const refreshed = await app.rp.refresh(tokens.refresh_token!);
      // Logout carries the ID token in its URL (id_token_hint): it must not reach the log.
      const logout = await walker.agent.get(
        app.rp.endSessionUrl(refreshed.id_token!, 'http://127.0.0.1:9/logged-out'),
      );
      assert.equal(logout.status, 200);
      h.secretsUsed.push(
        new URL(callback).searchParams.get('code')!,
        tokens.access_token,
        tokens.refresh_token!,
        tokens.id_token!,
        refreshed.access_token,
        refreshed.refresh_token!,
        refreshed.id_token!,
        pending.codeVerifier,
        walker.agent.cookieValue('ferry_oidc_session')!,
      );
      const dump = await h.dumpAllTables();
      const logs = h.logLines.join('\n');
      assert.ok(logs.includes('"url":"/oidc/session/end"'), 'the logout is logged, by its path');
      for (const secret of h.secretsUsed) {
        assert.equal(
          dump.includes(secret),
          false,
          `a secret (${secret.length} chars) is in the store`,
        );
        assert.equal(
          logs.includes(secret),
          false,
          `a secret (${secret.length} chars) is in the log`,
        );
      }
    });
  });
}
