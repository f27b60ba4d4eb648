import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { setCookieLine } from './helpers/user-client.js';

// ASVS 3.4.1 / 3.4.4 (issue 13 item 12): a cloud a browser reaches from another machine sets
// `__Host-` cookies with Secure, and reads only those (a bare cookie planted by a sibling host
// or a plain-http page is no session). Which configs harden is unit-tested in
// src/http/cookies.test.ts; the bare names on loopback are auth.test's and me.test's.
describe('session cookies behind a listener that is not loopback', () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start(sqliteBackend, { host: '0.0.0.0' });
  });
  after(() => h.stop());

  test('admin and My Account cookies are __Host-, Secure, path /, no Domain', async () => {
    const admin = await h.client().signIn(h.global.upn, h.global.password);
    const user = await h.seedAdmin(h.tenantId, 'hank@contoso.test', []);
    const me = await h
      .client()
      .post('/api/v1/me/sign-in', { userPrincipalName: user.upn, password: user.password });
    assert.equal(me.status, 200);
    const lines = [
      setCookieLine(admin, '__Host-ferry_session'),
      setCookieLine(admin, '__Host-ferry_csrf'),
      setCookieLine(me, '__Host-ferry_user'),
      setCookieLine(me, '__Host-ferry_user_csrf'),
    ];
    for (const line of lines) {
      assert.ok(line, 'a __Host- cookie is set');
      assert.match(line, /; Secure/);
      assert.match(line, /; Path=\/(;|$)/);
      assert.doesNotMatch(line, /Domain=/i);
    }
    assert.equal(setCookieLine(admin, 'ferry_session'), undefined);
    assert.equal(setCookieLine(me, 'ferry_user'), undefined);
  });

  test('only the prefixed cookie opens a session; the bare name is ignored', async () => {
    const signIn = await h.client().signIn(h.global.upn, h.global.password);
    const value = setCookieLine(signIn, '__Host-ferry_session')!.split(';')[0]!.split('=')[1]!;
    h.secretsUsed.push(value);
    const prefixed = h.client();
    prefixed.cookie = `__Host-ferry_session=${value}`;
    assert.equal((await prefixed.get('/api/v1/auth/me')).status, 200);
    const bare = h.client();
    bare.cookie = `ferry_session=${value}`;
    assert.equal((await bare.get('/api/v1/auth/me')).status, 401);
  });

  test('sign-out clears the prefixed cookies', async () => {
    const client = await h.signedIn(h.global);
    const out = await client.post('/api/v1/auth/sign-out', {});
    assert.equal(out.status, 200);
    assert.match(setCookieLine(out, '__Host-ferry_session')!, /Expires=Thu, 01 Jan 1970.*Secure/);
  });
});
