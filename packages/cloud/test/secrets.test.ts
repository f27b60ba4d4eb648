import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { issueBootstrapToken } from '../src/auth/bootstrap.js';
import { createTenant } from '../src/directory/tenants.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

for (const backend of backends) {
  describe(`no secret in logs or the store on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
      // Exercise every path that carries a secret: sign-in (good and bad), user creation and
      // reset with passwords, bootstrap tokens, TOTP seeds, security answers, sessions, CSRF.
      const admin = await h.signedIn(h.global);
      const wrong = h.password();
      await h.client().post('/api/v1/auth/sign-in', { username: h.global.upn, password: wrong });
      const created = await admin.post('/api/v1/users', {
        upn: 'erin@contoso.test',
        displayName: 'Erin',
        password: h.password(),
      });
      await admin.post(`/api/v1/users/${created.json.id}/password`, { password: h.password() });
      const tooShort = 'Sh0rt!';
      h.secretsUsed.push(tooShort);
      await admin.post(`/api/v1/users/${created.json.id}/password`, { password: tooShort });
      const seed = `SEED${h.password().toUpperCase()}`;
      const answer = h.password();
      h.secretsUsed.push(seed);
      await h.cloud.services.methods.setTotp(h.tenantId, created.json.id, Secret.of(seed));
      await h.cloud.services.methods.setSecurityAnswers(h.tenantId, created.json.id, [
        { question: 'City?', answer: Secret.of(answer) },
      ]);
      const tenant = await createTenant(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        'Boot',
      );
      const token = await issueBootstrapToken(h.cloud.services, tenant, 60);
      assert.ok(token);
      h.secretsUsed.push(token.reveal());
      await h.client().post('/api/v1/bootstrap', {
        token: token.reveal(),
        email: 'boot@boot.test',
        displayName: 'Boot',
        password: h.password(),
      });
      await h.client().post('/api/v1/bootstrap', {
        token: token.reveal(),
        email: 'x',
        displayName: '',
        password: h.password(),
      });
      const inMalformedJson = h.password();
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: `{"username":"${h.global.upn}","password":${inMalformedJson}}`,
      });
      await admin.post('/api/v1/auth/sign-out');
    });
    after(() => h.stop());

    test('the captured pino output holds none of the secrets used', () => {
      const logs = h.logLines.join('');
      assert.ok(h.logLines.length > 10, `the log was captured (${h.logLines.length} lines)`);
      assert.match(logs, /request completed/);
      assert.match(logs, /cloud starting/);
      assert.ok(h.secretsUsed.length >= 10);
      for (const secret of h.secretsUsed) {
        assert.equal(
          logs.includes(secret),
          false,
          `a secret of length ${secret.length} is in the log`,
        );
      }
    });

    test('a dump of every table holds none of the secrets used', async () => {
      const dump = await h.dumpAllTables();
      assert.match(dump, /audit_events/);
      assert.match(dump, /\$argon2id\$/, 'passwords are Argon2id hashes');
      for (const secret of h.secretsUsed) {
        assert.equal(
          dump.includes(secret),
          false,
          `a secret of length ${secret.length} is in the store`,
        );
        assert.equal(dump.toLowerCase().includes(secret.toLowerCase()), false);
      }
    });
  });
}
