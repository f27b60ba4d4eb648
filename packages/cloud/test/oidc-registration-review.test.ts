import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';
import { listening, newWalker, registerApp, type RegisteredApp } from './helpers/oidc-fixture.js';

for (const backend of backends) {
  describe(`"require registration at next sign-in" in an application sign-in on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    let issuer: string;
    let base: string;

    before(async () => {
      h = await Harness.start(backend);
      h.clock.advance(Date.now() - h.clock.now().getTime());
      admin = await h.signedIn(h.global);
      ({ base, issuer } = await listening(h));
    });
    after(() => h.stop());

    /** A new sign-in to `app` up to the step after the password; returns that step. */
    async function signIn(app: RegisteredApp, user: SeededAdmin) {
      const walker = newWalker();
      const pending = await app.rp.authorizationUrl('openid profile');
      const hop = await walker.go(pending.url);
      assert.equal(hop.kind, 'page');
      const uid = (hop as { uid: string }).uid;
      assert.equal((await walker.state(uid, base)).status, 200);
      const view = await walker.step(uid, base, 'password', {
        userPrincipalName: user.upn,
        password: user.password,
      });
      assert.equal(view.status, 200, view.text);
      return { walker, pending, uid, view: view.json };
    }

    test('a user with enough methods is shown the registration step once; going on answers the request', async () => {
      const settings = (await admin.get('/api/v1/settings/password-reset')).json;
      await admin.put('/api/v1/settings/password-reset', {
        ...settings,
        ssprEnabled: 'all',
        methodsRequired: 1,
        methodsAllowed: ['email', 'totp'],
        registrationRequiredAtSignIn: true,
      });
      try {
        const app = await registerApp(h, admin, issuer, { tenantConsent: true });
        const user = await h.seedAdmin(h.tenantId, 'reviewer@contoso.test', []);
        await h.cloud.services.methods.setEmail(h.tenantId, user.id, 'reviewer@mail.test');
        assert.notEqual((await signIn(app, user)).view.stage, 'register', 'nothing asked yet');

        const requested = await admin.post('/api/v1/settings/password-reset/require-registration');
        assert.equal(requested.status, 200, requested.body);
        const asked = await signIn(app, user);
        assert.equal(asked.view.stage, 'register');
        assert.equal(asked.view.registration.reason, 'required');
        assert.equal(asked.view.registration.missing, 0);
        h.secretsUsed.push(asked.view.registration.csrfToken as string);
        const done = await asked.walker.step(asked.uid, base, 'continue');
        assert.equal(done.status, 200, done.text);
        assert.notEqual(done.json.stage, 'register', 'going on answers the review');
        const hop = await asked.walker.go(done.json.redirectTo);
        await app.rp.callback((hop as { url: string }).url, asked.pending);
        const reviewed = await h.cloud.services.db
          .selectFrom('registration_reviews')
          .select('reviewed_at')
          .where('user_id', '=', user.id)
          .executeTakeFirst();
        assert.ok(reviewed, 'the review is recorded');

        assert.notEqual((await signIn(app, user)).view.stage, 'register', 'asked only once');
      } finally {
        await admin.put('/api/v1/settings/password-reset', settings);
      }
    });
  });
}
