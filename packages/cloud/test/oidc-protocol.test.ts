import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { loadDataKey } from '../src/crypto/data-key.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { createTenant } from '../src/directory/tenants.js';
import { loadSigningKeys } from '../src/oidc/signing-keys.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';
import { SampleRelyingParty } from '../../../test/support/sample-relying-party.js';
import {
  CALLBACK,
  listening,
  newWalker,
  registerApp,
  type RegisteredApp,
} from './helpers/oidc-fixture.js';

for (const backend of backends) {
  describe(`OpenID Connect protocol with openid-client on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    let alice: SeededAdmin;
    let issuer: string;
    let base: string;
    let app: RegisteredApp;

    before(async () => {
      h = await Harness.start(backend);
      // The provider keeps real time; the cloud's clock starts at real time too.
      h.clock.advance(Date.now() - h.clock.now().getTime());
      admin = await h.signedIn(h.global);
      alice = await h.seedAdmin(h.tenantId, 'alice@contoso.test', []);
      await h.cloud.services.db
        .updateTable('users')
        .set({ given_name: 'Alice', family_name: 'Liddell', email: 'alice@mail.contoso.test' })
        .where('id', '=', alice.id)
        .execute();
      ({ base, issuer } = await listening(h));
      app = await registerApp(h, admin, issuer);
    });
    after(() => h.stop());

    async function signedIn(scope = 'openid profile email', target = app) {
      const walker = newWalker();
      const pending = await target.rp.authorizationUrl(scope);
      const callback = await walker.signIn(pending.url, {
        upn: alice.upn,
        password: alice.password,
      });
      return { walker, pending, callback };
    }

    test('discovery and JWKS pass the client’s checks', async () => {
      const metadata = app.rp.config.serverMetadata();
      assert.equal(metadata.issuer, issuer);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.ok(metadata.end_session_endpoint?.startsWith(issuer));
      assert.ok(metadata.revocation_endpoint?.startsWith(issuer));
      assert.deepEqual(metadata.response_types_supported, ['code']);
      const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as {
        keys: Record<string, unknown>[];
      };
      assert.ok(jwks.keys.length >= 1);
      for (const key of jwks.keys) {
        assert.equal(key['kty'], 'RSA');
        assert.equal(key['d'], undefined, 'no private part is published');
      }
    });

    test('a cloud user signs in; the ID token is validated by the client and carries the claims', async () => {
      const { callback, pending } = await signedIn('openid profile email groups');
      const tokens = await app.rp.callback(callback, pending);
      const claims = tokens.claims()!;
      assert.equal(claims.iss, issuer);
      assert.equal(claims.aud, app.clientId);
      assert.equal(claims.nonce, pending.nonce);
      assert.equal(claims.sub, alice.id);
      assert.equal(claims['preferred_username'], alice.upn);
      assert.equal(claims['name'], 'alice');
      assert.equal(claims['given_name'], 'Alice');
      assert.equal(claims['family_name'], 'Liddell');
      assert.equal(claims['email'], 'alice@mail.contoso.test');
      assert.deepEqual(claims['groups'], []);
      assert.deepEqual(claims['amr'], ['pwd']);
      const info = await app.rp.userInfo(tokens.access_token, alice.id);
      assert.equal(info['preferred_username'], alice.upn);
      h.secretsUsed.push(tokens.access_token, tokens.refresh_token!, tokens.id_token!);
    });

    /** A raw token request, as a client that does not validate anything would send it. */
    async function tokenRequest(params: Record<string, string>, secret = app.clientSecret) {
      const response = await fetch(app.rp.config.serverMetadata().token_endpoint!, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`,
        },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, json: (await response.json()) as Record<string, string> };
    }

    const codeOf = (callback: string) => new URL(callback).searchParams.get('code')!;

    test('a tampered code, a missing PKCE verifier and a wrong redirect URI at the token endpoint are refused', async () => {
      const { callback, pending } = await signedIn();
      const code = codeOf(callback);
      const tampered = code.slice(0, -2) + (code.endsWith('A') ? 'BB' : 'AA');
      const base = { grant_type: 'authorization_code', redirect_uri: CALLBACK };
      assert.equal(
        (await tokenRequest({ ...base, code: tampered, code_verifier: pending.codeVerifier })).json[
          'error'
        ],
        'invalid_grant',
      );
      const noVerifier = await tokenRequest({ ...base, code });
      assert.equal(noVerifier.status, 400);
      assert.equal(noVerifier.json['error'], 'invalid_grant');
      // The refusals above did not spend the code; a wrong redirect URI and verifier still fail.
      const second = await signedIn();
      const wrongVerifier = await tokenRequest({
        ...base,
        code: codeOf(second.callback),
        code_verifier: client.randomPKCECodeVerifier(),
      });
      assert.equal(wrongVerifier.json['error'], 'invalid_grant');
      const third = await signedIn();
      const wrongRedirect = await tokenRequest({
        grant_type: 'authorization_code',
        redirect_uri: 'http://127.0.0.1:9/other',
        code: codeOf(third.callback),
        code_verifier: third.pending.codeVerifier,
      });
      assert.equal(wrongRedirect.json['error'], 'invalid_grant');
      const wrongSecret = await tokenRequest(
        { ...base, code, code_verifier: pending.codeVerifier },
        'not-the-secret',
      );
      assert.equal(wrongSecret.status, 401);
      assert.equal(wrongSecret.json['error'], 'invalid_client');
    });

    test('a redirect URI the application did not register gets an error page, not a redirect', async () => {
      const walker = newWalker();
      const pending = await app.rp.authorizationUrl();
      const url = new URL(pending.url);
      url.searchParams.set('redirect_uri', 'https://attacker.example/callback');
      const answer = await walker.agent.get(url.href);
      assert.equal(answer.status, 400);
      assert.equal(answer.location, null);
      assert.match(answer.text, /data-error="invalid_redirect_uri"/);
      assert.doesNotMatch(answer.text, /<script/);
    });

    test('a replayed code is refused and revokes what the first redemption got', async () => {
      const { callback, pending } = await signedIn('openid profile offline_access');
      const tokens = await app.rp.callback(callback, pending);
      assert.ok(tokens.refresh_token);
      const replay = await tokenRequest({
        grant_type: 'authorization_code',
        redirect_uri: CALLBACK,
        code: codeOf(callback),
        code_verifier: pending.codeVerifier,
      });
      assert.equal(replay.json['error'], 'invalid_grant');
      await assert.rejects(app.rp.userInfo(tokens.access_token, alice.id));
      await assert.rejects(app.rp.refresh(tokens.refresh_token));
    });

    test('two redemptions of one code in parallel: exactly one gets tokens', async () => {
      for (let round = 0; round < 3; round++) {
        const { callback, pending } = await signedIn();
        const params = {
          grant_type: 'authorization_code',
          redirect_uri: CALLBACK,
          code: codeOf(callback),
          code_verifier: pending.codeVerifier,
        };
        const answers = await Promise.all([1, 2, 3, 4].map(() => tokenRequest(params)));
        const winners = answers.filter((answer) => answer.status === 200);
        assert.ok(winners.length <= 1, `${winners.length} redemptions of one code succeeded`);
        assert.ok(answers.filter((answer) => answer.json['error'] === 'invalid_grant').length >= 3);
      }
    });

    test('a refresh token is rotated on use; a spent one is refused and ends the grant', async () => {
      const { callback, pending } = await signedIn('openid profile offline_access');
      const tokens = await app.rp.callback(callback, pending);
      const first = tokens.refresh_token!;
      const refreshed = await app.rp.refresh(first);
      assert.ok(refreshed.refresh_token);
      assert.notEqual(refreshed.refresh_token, first);
      assert.equal(refreshed.claims()?.sub, alice.id);
      await assert.rejects(
        app.rp.refresh(first),
        (error: { error?: string }) => error.error === 'invalid_grant',
      );
      // Reuse of a spent token is taken as theft: the new one stops working too.
      await assert.rejects(app.rp.refresh(refreshed.refresh_token!));
    });

    test('parallel refreshes with one token: at most one succeeds', async () => {
      const { callback, pending } = await signedIn('openid offline_access');
      const tokens = await app.rp.callback(callback, pending);
      const answers = await Promise.all(
        [1, 2, 3].map(() =>
          tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
        ),
      );
      assert.ok(answers.filter((answer) => answer.status === 200).length <= 1);
    });

    test('a revoked refresh token no longer works', async () => {
      const { callback, pending } = await signedIn('openid offline_access');
      const tokens = await app.rp.callback(callback, pending);
      await app.rp.revoke(tokens.refresh_token!);
      await assert.rejects(app.rp.refresh(tokens.refresh_token!));
    });

    test('RP-initiated logout ends the session: tokens tied to it stop, the next sign-in asks again', async () => {
      const { walker, callback, pending } = await signedIn('openid profile offline_access');
      const tokens = await app.rp.callback(callback, pending);
      // With the session alive, a second authorization needs no password.
      const again = await app.rp.authorizationUrl();
      assert.equal((await walker.go(again.url)).kind, 'callback');
      const confirm = await walker.agent.get(
        app.rp.endSessionUrl(tokens.id_token!, 'http://127.0.0.1:9/logged-out'),
      );
      assert.equal(confirm.status, 200);
      assert.match(confirm.text, /Sign out/);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)![1]!;
      const action = /action="([^"]+)"/.exec(confirm.text)![1]!;
      const done = await walker.agent.request('POST', new URL(action, base).href, {
        form: { xsrf, logout: 'yes' },
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, 'http://127.0.0.1:9/logged-out');
      await assert.rejects(app.rp.refresh(tokens.refresh_token!));
      const next = await app.rp.authorizationUrl();
      assert.equal((await walker.go(next.url)).kind, 'page', 'the password is asked again');
    });

    test('signing key rotation: the new key signs, both are published, the client validates', async () => {
      const before = await admin.get('/api/v1/applications/signing-keys');
      const oldKid = before.json.keys.find((key: { state: string }) => key.state === 'current').kid;
      h.clock.advance(1000);
      const rotated = await admin.post('/api/v1/applications/signing-keys/rotate', {
        activateInMinutes: 0,
      });
      assert.equal(rotated.status, 200, rotated.body);
      assert.equal(rotated.json.state, 'current');
      const jwks = (await (await fetch(app.rp.config.serverMetadata().jwks_uri!)).json()) as {
        keys: { kid: string }[];
      };
      assert.deepEqual(
        new Set(jwks.keys.map((key) => key.kid)),
        new Set([rotated.json.kid, oldKid]),
      );
      const { callback, pending } = await signedIn();
      const tokens = await app.rp.callback(callback, pending);
      const header = JSON.parse(
        Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString(),
      ) as { kid: string };
      assert.equal(header.kid, rotated.json.kid);
      // Scheduled rotation: published now, signing later.
      const next = await admin.post('/api/v1/applications/signing-keys/rotate', {
        activateInMinutes: 60,
      });
      assert.equal(next.json.state, 'next');
      const again = await signedIn();
      const later = await app.rp.callback(again.callback, again.pending);
      const kid = JSON.parse(
        Buffer.from(later.id_token!.split('.')[0]!, 'base64url').toString(),
      ).kid;
      assert.equal(kid, rotated.json.kid, 'the scheduled key does not sign yet');
      const rows = await h.cloud.services.db.selectFrom('oidc_signing_keys').selectAll().execute();
      for (const row of rows) assert.match(row.private_sealed, /^v1\./);
    });

    test('a new client secret replaces the old one at once', async () => {
      const own = await registerApp(h, admin, issuer);
      const reset = await admin.post(`/api/v1/applications/${own.clientId}/secret`);
      assert.equal(reset.status, 200);
      h.secretsUsed.push(reset.json.clientSecret);
      const { callback, pending } = await signedIn('openid', own);
      await assert.rejects(own.rp.callback(callback, pending));
      const renewed = await SampleRelyingParty.discover({
        issuer,
        clientId: own.clientId,
        clientSecret: reset.json.clientSecret,
        redirectUri: CALLBACK,
      });
      const fresh = await signedIn('openid', { ...own, rp: renewed });
      assert.equal((await renewed.callback(fresh.callback, fresh.pending)).claims()?.sub, alice.id);
      const listed = await admin.get(`/api/v1/applications/${own.clientId}`);
      assert.equal(listed.json.hasSecret, true);
      assert.equal(JSON.stringify(listed.json).includes(reset.json.clientSecret), false);
    });

    test('nodes starting at once on an empty store agree on one first key; a due rotation is scheduled once', async () => {
      const { db, random, config } = h.cloud.services;
      const tenantId = await createTenant(db, h.clock, random, `Keys ${h.random().slice(0, 6)}`);
      const box = new SecretBox(loadDataKey(config.dataDir, undefined, random), random);
      const deps = { db, box, clock: h.clock, tenantId };
      const sets = await Promise.all([1, 2, 3, 4].map(() => loadSigningKeys(deps, 90)));
      assert.equal(new Set(sets.map((set) => set.version)).size, 1);
      assert.equal(sets[0]!.views.length, 1);
      h.clock.advance(91 * 24 * 60 * 60_000);
      const due = await Promise.all([1, 2, 3].map(() => loadSigningKeys(deps, 90)));
      assert.equal(new Set(due.map((set) => set.version)).size, 1);
      assert.deepEqual(
        due[0]!.views.map((view) => view.state),
        ['current', 'next'],
      );
      h.clock.advance(-91 * 24 * 60 * 60_000);
    });
  });
}
