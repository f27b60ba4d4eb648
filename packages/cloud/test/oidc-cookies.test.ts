import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { listening, newWalker, registerApp } from './helpers/oidc-fixture.js';

// ASVS 3.4.1 / 3.4.4 (issue 13 item 12) for the OpenID Connect provider's cookies: the same
// rule as the Admin center's and My Account's (`http/cookies.ts`). A listener that is not
// loopback gets `__Host-` names, Secure, path `/` and no Domain (the resume cookie, whose path
// the provider pins, `__Secure-`); loopback keeps the bare names.
const cases = [
  { name: 'a listener that is not loopback', config: { host: '0.0.0.0' }, hardened: true },
  { name: 'a loopback listener', config: {}, hardened: false },
] as const;

for (const { name, config, hardened } of cases) {
  describe(`OpenID Connect sign-in cookies on ${name}`, () => {
    let h: Harness;
    let issuer: string;
    before(async () => {
      h = await Harness.start(sqliteBackend, config);
      const base = await listening(h);
      // 0.0.0.0 is reached through loopback in the test; the issuer names that address.
      issuer = base.issuer.replace('//0.0.0.0:', '//127.0.0.1:');
    });
    after(() => h.stop());

    test(`a whole sign-in sets ${hardened ? '__Host-, Secure' : 'bare'} cookies and completes`, async () => {
      const admin = await h.signedIn(h.global);
      const app = await registerApp(h, admin, issuer, { tenantConsent: true });
      const user = await h.seedAdmin(
        h.tenantId,
        `cookie.${h.random().slice(0, 6)}@contoso.test`,
        [],
      );
      const walker = newWalker();
      const pending = await app.rp.authorizationUrl();
      const callback = await walker.signIn(pending.url, { upn: user.upn, password: user.password });
      assert.ok(new URL(callback).searchParams.get('code'), 'the sign-in reached the application');

      const lines = walker.agent.setCookieLines.filter((line) => line.includes('ferry_oidc_'));
      const names = new Set(lines.map((line) => line.split('=')[0]!.replace(/\.sig$/, '')));
      const expected = hardened
        ? [
            '__Host-ferry_oidc_session',
            '__Host-ferry_oidc_interaction',
            '__Secure-ferry_oidc_resume',
          ]
        : ['ferry_oidc_session', 'ferry_oidc_interaction', 'ferry_oidc_resume'];
      assert.deepEqual([...names].sort(), expected.sort());
      for (const line of lines) {
        assert.doesNotMatch(line, /domain=/i, line);
        assert.match(line, /; httponly/i, line);
        if (hardened) {
          assert.match(line, /; secure/i, line);
          if (line.startsWith('__Secure-ferry_oidc_resume'))
            assert.match(line, /; path=\/oidc\/auth\//i, line);
          else {
            assert.match(line, /^__Host-/, line);
            assert.match(line, /; path=\/(;|$)/i, line);
          }
        } else {
          assert.doesNotMatch(line, /; secure/i, line);
        }
      }
    });
  });
}
