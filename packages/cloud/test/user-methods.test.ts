import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';

for (const backend of backends) {
  describe(`verification methods on ${backend.name}`, () => {
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

    test('set email and phone, list, remove — each audited', async () => {
      const base = `/api/v1/users/${employee.id}/methods`;
      assert.equal((await helpdesk.put(`${base}/email`, { address: 'emp@mail.test' })).status, 200);
      assert.equal((await helpdesk.put(`${base}/phone`, { number: '+33612345678' })).status, 200);
      const list = await helpdesk.get(base);
      assert.deepEqual(
        list.json.methods.map((m: { kind: string; value: string }) => [m.kind, m.value]),
        [
          ['email', 'emp@mail.test'],
          ['phone', '+33612345678'],
        ],
      );
      assert.equal((await admin.delete(`${base}/phone`)).status, 200);
      assert.equal((await admin.delete(`${base}/phone`)).json.error.code, 'not_found');
      const actions = (await h.auditRows())
        .filter((r) => r.target_id === employee.id)
        .map((r) => `${r.action}:${r.result}`);
      assert.deepEqual(actions, [
        'user.method_email_set:success',
        'user.method_phone_set:success',
        'user.method_remove:success',
        'user.method_remove:not_found',
      ]);
    });

    test('TOTP seeds are sealed at rest and security answers hashed; the API never shows them', async () => {
      const { methods } = h.cloud.services;
      const seed = `JBSWY3DPEHPK3PXP${h.password().toUpperCase()}`;
      const answer = h.password();
      h.secretsUsed.push(seed);
      await methods.setTotp(h.tenantId, employee.id, Secret.of(seed));
      await methods.setSecurityAnswers(h.tenantId, employee.id, [
        { question: 'First pet?', answer: Secret.of(`  ${answer.toUpperCase()} `) },
      ]);
      assert.equal((await methods.totpSeed(h.tenantId, employee.id))?.reveal(), seed);
      assert.equal(
        await methods.checkSecurityAnswer(h.tenantId, employee.id, 0, Secret.of(answer)),
        true,
      );
      assert.equal(
        await methods.checkSecurityAnswer(h.tenantId, employee.id, 0, Secret.of('nope')),
        false,
      );
      // A sealed seed cannot be moved to another user: tenant and user are bound into the cipher.
      const row = await h.cloud.services.db
        .selectFrom('verification_methods')
        .select('protected_value')
        .where('user_id', '=', employee.id)
        .where('kind', '=', 'totp')
        .executeTakeFirstOrThrow();
      await methods.setTotp(h.tenantId, h.helpdesk.id, Secret.of('OTHERSEED'));
      await h.cloud.services.db
        .updateTable('verification_methods')
        .set({ protected_value: row.protected_value })
        .where('user_id', '=', h.helpdesk.id)
        .where('kind', '=', 'totp')
        .execute();
      await assert.rejects(methods.totpSeed(h.tenantId, h.helpdesk.id));
      const list = await admin.get(`/api/v1/users/${employee.id}/methods`);
      const totp = list.json.methods.find((m: { kind: string }) => m.kind === 'totp');
      assert.equal(totp.value, null);
      const questions = list.json.methods.find(
        (m: { kind: string }) => m.kind === 'security_questions',
      );
      assert.deepEqual(questions.questions, ['First pet?']);
      assert.doesNotMatch(list.body, new RegExp(answer, 'i'));
    });

    test('bad input: malformed email, non-E.164 phone, unknown kind', async () => {
      const base = `/api/v1/users/${employee.id}/methods`;
      assert.equal(
        (await admin.put(`${base}/email`, { address: 'nope' })).json.error.code,
        'validation_failed',
      );
      const phone = await admin.put(`${base}/phone`, { number: '0612345678' });
      assert.equal(phone.json.error.issues[0].path, 'body.number');
      assert.equal((await admin.delete(`${base}/fax`)).json.error.code, 'validation_failed');
    });

    test('missing rights: a helpdesk admin cannot read or edit methods of an admin', async () => {
      const base = `/api/v1/users/${h.global.id}/methods`;
      assert.equal((await helpdesk.get(base)).json.error.code, 'forbidden');
      assert.equal(
        (await helpdesk.put(`${base}/email`, { address: 'x@mail.test' })).json.error.code,
        'forbidden',
      );
      assert.equal((await helpdesk.delete(`${base}/email`)).json.error.code, 'forbidden');
    });

    test('wrong tenant: methods of another tenant are not found', async () => {
      const other = await h.signedIn(h.otherGlobal);
      const base = `/api/v1/users/${employee.id}/methods`;
      assert.equal((await other.get(base)).json.error.code, 'not_found');
      assert.equal(
        (await other.put(`${base}/email`, { address: 'x@mail.test' })).json.error.code,
        'not_found',
      );
      assert.equal((await other.delete(`${base}/email`)).json.error.code, 'not_found');
    });
  });
}
