import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { MailCatcher } from '../../../test/support/mail-catcher.js';
import { totpCodeAt } from '../../../test/support/totp-code.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness, type SeededAdmin } from './helpers/harness.js';
import { signInToMyAccount } from './helpers/user-client.js';

const SETTINGS = '/api/v1/settings/password-reset';

/** The SMS gateway peer: an HTTP endpoint that keeps what the cloud posts to it. */
async function startSmsReceiver(): Promise<{ url: string; texts: string[]; server: Server }> {
  const texts: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      texts.push(body);
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/sms`, texts, server };
}

function codeIn(text: string): string {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error('no code in the message');
  return code;
}

for (const backend of backends) {
  describe(`My Account method registration on ${backend.name}`, () => {
    let h: Harness;
    let mail: MailCatcher;
    let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
    let admin: ApiClient;
    let user: SeededAdmin;
    let client: ApiClient;
    /** Frank's password now (a test below changes it). */
    let password: string;
    before(async () => {
      mail = await MailCatcher.start();
      sms = await startSmsReceiver();
      h = await Harness.start(backend, {
        smtpUrl: mail.url,
        smsGateway: 'http',
        smsGatewayUrl: sms.url,
      });
      admin = await h.signedIn(h.global);
      const settings = (await admin.get(SETTINGS)).json;
      const put = await admin.put(SETTINGS, {
        ...settings,
        ssprEnabled: 'all',
        methodsRequired: 2,
        methodsAllowed: ['email', 'phone', 'totp', 'security_questions'],
      });
      assert.equal(put.status, 200, put.body);
      user = await h.seedAdmin(h.tenantId, 'frank@contoso.test', []);
      password = user.password;
      client = (await signInToMyAccount(h, user.upn, password)).client;
    });
    after(async () => {
      await h.stop();
      await mail.stop();
      sms.server.close();
    });

    test('email: a code goes to the address by SMTP; the right code registers it', async () => {
      const address = 'frank.private@mail.test';
      const sent = await client.post('/api/v1/me/methods/email', { address });
      assert.equal(sent.status, 200, sent.body);
      assert.deepEqual(sent.json, { sent: true });
      const message = await mail.waitFor(address);
      const code = codeIn(message.text);
      h.secretsUsed.push(code);
      const wrongCode = code === '000000' ? '111111' : '000000';
      const wrong = await client.post('/api/v1/me/methods/email/confirm', { code: wrongCode });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error.code, 'verification_failed');
      const ok = await client.post('/api/v1/me/methods/email/confirm', { code });
      assert.equal(ok.status, 200, ok.body);
      const me = (await client.get('/api/v1/me')).json;
      assert.deepEqual(
        me.methods.map((m: { kind: string; value: string }) => [m.kind, m.value]),
        [['email', address]],
      );
      assert.deepEqual(me.registration, {
        required: true,
        missing: 1,
        allowed: ['email', 'phone', 'totp', 'security_questions'],
        review: false,
      });
      const again = await client.post('/api/v1/me/methods/email/confirm', { code });
      assert.equal(again.json.error.code, 'verification_failed', 'a code works once');
    });

    test('a password change is mailed to the registered address', async () => {
      const next = h.password();
      const changed = await client.post('/api/v1/me/password', {
        currentPassword: user.password,
        newPassword: next,
      });
      assert.equal(changed.status, 200, changed.body);
      password = next;
      const notice = await mail.waitFor('frank.private@mail.test', (m) =>
        m.subject.includes('changed'),
      );
      assert.match(notice.text, /frank@contoso\.test/);
      assert.equal(notice.text.includes(next), false);
    });

    test('an expired email code is refused', async () => {
      await client.post('/api/v1/me/methods/email', { address: 'late@mail.test' });
      const code = codeIn((await mail.waitFor('late@mail.test')).text);
      h.secretsUsed.push(code);
      h.clock.advance(6 * 60_000);
      const late = await client.post('/api/v1/me/methods/email/confirm', { code });
      assert.equal(late.json.error.code, 'verification_failed');
      const row = (await h.auditRows()).findLast((r) => r.action === 'me.method_register');
      assert.deepEqual(JSON.parse(row!.detail_json!), { kind: 'email', reason: 'expired' });
    });

    test('phone: the code goes through the SMS gateway', async () => {
      const number = '+33612345678';
      const sent = await client.post('/api/v1/me/methods/phone', { number });
      assert.equal(sent.status, 200, sent.body);
      const posted = JSON.parse(sms.texts.at(-1)!) as { to: string; text: string };
      assert.equal(posted.to, number);
      const code = codeIn(posted.text);
      h.secretsUsed.push(code);
      const ok = await client.post('/api/v1/me/methods/phone/confirm', { code });
      assert.equal(ok.status, 200, ok.body);
      const bad = await client.post('/api/v1/me/methods/phone', { number: '0612345678' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'validation_failed');
    });

    test('changing methods needs a recent sign-in; the existing contacts hear of every change', async () => {
      const stale = (await signInToMyAccount(h, user.upn, password)).client;
      h.clock.advance(11 * 60_000);
      const add = await stale.post('/api/v1/me/methods/phone', { number: '+33612345679' });
      assert.equal(add.status, 403);
      assert.equal(add.json.error.code, 'reauthentication_required');
      for (const refused of [
        await stale.delete('/api/v1/me/methods/phone'),
        await stale.post('/api/v1/me/methods/totp'),
      ]) {
        assert.equal(refused.json.error.code, 'reauthentication_required');
      }
      // The same session proves the password again: a wrong one is a counted guess that
      // changes nothing; the right one opens another ten minutes.
      const wrongProof = await stale.post('/api/v1/me/reauthenticate', { password: 'not-it-42' });
      assert.equal(wrongProof.status, 401);
      assert.equal(wrongProof.json.error.code, 'invalid_credentials');
      assert.equal((await stale.get('/api/v1/me')).status, 200, 'the session lives on');
      assert.equal(
        (await stale.delete('/api/v1/me/methods/phone')).json.error.code,
        'reauthentication_required',
      );
      assert.equal((await stale.post('/api/v1/me/reauthenticate', { password })).status, 200);
      const proofs = (await h.auditRows()).filter((r) => r.action === 'me.reauthenticate');
      assert.deepEqual(
        proofs.map((r) => r.result),
        ['invalid_credentials', 'success'],
      );
      client = stale;
      assert.equal((await client.delete('/api/v1/me/methods/phone')).status, 200);
      const removed = await mail.waitFor('frank.private@mail.test', (m) =>
        m.subject.includes('removed'),
      );
      assert.match(removed.text, /\(phone\) was removed/);
      await client.post('/api/v1/me/methods/phone', { number: '+33612345678' });
      const code = codeIn((JSON.parse(sms.texts.at(-1)!) as { text: string }).text);
      h.secretsUsed.push(code);
      assert.equal((await client.post('/api/v1/me/methods/phone/confirm', { code })).status, 200);
      const added = await mail.waitFor('frank.private@mail.test', (m) =>
        m.subject.includes('registered'),
      );
      assert.match(added.text, /\(phone\) was registered/);
      assert.equal(added.text.includes(code), false);
    });

    test('TOTP: otpauth URI and SVG QR code; active only after a first good code', async () => {
      const started = await client.post('/api/v1/me/methods/totp');
      assert.equal(started.status, 200, started.body);
      const uri = new URL(started.json.otpauthUri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.host, 'totp');
      assert.equal(decodeURIComponent(uri.pathname), `/Ferry:${user.upn}`);
      const seed = uri.searchParams.get('secret')!;
      h.secretsUsed.push(seed, started.json.otpauthUri);
      assert.match(seed, /^[A-Z2-7]{32}$/);
      assert.match(started.json.qrSvg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal(
        (await client.get('/api/v1/me')).json.methods.some(
          (m: { kind: string }) => m.kind === 'totp',
        ),
        false,
        'pending, not active',
      );
      const code = totpCodeAt(seed, h.clock.now());
      h.secretsUsed.push(code);
      const wrong = await client.post('/api/v1/me/methods/totp/confirm', {
        code: code === '123456' ? '654321' : '123456',
      });
      assert.equal(wrong.json.error.code, 'verification_failed');
      const ok = await client.post('/api/v1/me/methods/totp/confirm', { code });
      assert.equal(ok.status, 200, ok.body);
      assert.equal(
        (await h.cloud.services.methods.totpSeed(h.tenantId, user.id))?.reveal(),
        seed,
        'the seed sealed at rest is the one shown',
      );
      const replay = await client.post('/api/v1/me/methods/totp/confirm', { code });
      assert.equal(replay.json.error.code, 'verification_failed');
    });

    test('re-proof with the authenticator app: a counted guess when wrong, burnt once used', async () => {
      const seed = (await h.cloud.services.methods.totpSeed(h.tenantId, user.id))!.reveal();
      const stale = (await signInToMyAccount(h, user.upn, password)).client;
      h.clock.advance(11 * 60_000);
      const refused = await stale.post('/api/v1/me/methods/totp');
      assert.equal(refused.json.error.code, 'reauthentication_required');
      const code = totpCodeAt(seed, h.clock.now());
      h.secretsUsed.push(code);
      const failures = async () =>
        (
          await h.cloud.services.db
            .selectFrom('guess_counters')
            .select(['source', 'failures'])
            .where('subject', '=', user.id)
            .execute()
        ).reduce((sum, row) => sum + row.failures, 0);
      const before = await failures();
      const wrong = await stale.post('/api/v1/me/reauthenticate', {
        totpCode: code === '123456' ? '654321' : '123456',
      });
      assert.equal(wrong.json.error.code, 'verification_failed');
      assert.ok((await failures()) > before, 'the wrong code is a counted guess');
      const neither = await stale.post('/api/v1/me/reauthenticate', { password, totpCode: code });
      assert.equal(neither.json.error.code, 'validation_failed');
      const ok = await stale.post('/api/v1/me/reauthenticate', { totpCode: code });
      assert.equal(ok.status, 200, ok.body);
      assert.equal((await stale.post('/api/v1/me/methods/totp')).status, 200);
      // The same code, seen once, proves nothing again (here or at sign-in).
      const other = (await signInToMyAccount(h, user.upn, password)).client;
      h.clock.advance(11 * 60_000);
      const replay = await other.post('/api/v1/me/reauthenticate', { totpCode: code });
      assert.equal(replay.json.error.code, 'verification_failed');
      const proofs = (await h.auditRows()).filter(
        (r) => r.action === 'me.reauthenticate' && String(r.detail_json).includes('totp'),
      );
      assert.deepEqual(
        proofs.map((r) => r.result),
        ['verification_failed', 'success', 'verification_failed'],
      );
      h.clock.advance(30_000);
      const next = await other.post('/api/v1/me/reauthenticate', {
        totpCode: totpCodeAt(seed, h.clock.now()),
      });
      assert.equal(next.status, 200, next.body);
      client = other;
    });

    test('security questions: catalog, validation, registration (answers hashed)', async () => {
      const catalog = await client.get('/api/v1/me/methods/security_questions/catalog');
      assert.equal(catalog.status, 200);
      assert.equal(catalog.json.required, 3);
      const [q1, q2, q3] = catalog.json.questions as string[];
      const answer = () => `answer ${h.password()}`;
      const two = await client.put('/api/v1/me/methods/security_questions', {
        answers: [
          { question: q1, answer: answer() },
          { question: q2, answer: answer() },
        ],
      });
      assert.equal(two.status, 400);
      assert.equal(two.json.error.code, 'validation_failed');
      const invented = await client.put('/api/v1/me/methods/security_questions', {
        answers: [q1, q2, 'My own question?'].map((question) => ({ question, answer: answer() })),
      });
      assert.equal(invented.json.error.code, 'validation_failed');
      const twice = await client.put('/api/v1/me/methods/security_questions', {
        answers: [q1, q1, q2].map((question) => ({ question, answer: answer() })),
      });
      assert.equal(twice.json.error.code, 'validation_failed');
      const answers = [q1!, q2!, q3!].map((question) => ({ question, answer: answer() }));
      const ok = await client.put('/api/v1/me/methods/security_questions', { answers });
      assert.equal(ok.status, 200, ok.body);
      const me = (await client.get('/api/v1/me')).json;
      const questions = me.methods.find(
        (m: { kind: string }) => m.kind === 'security_questions',
      ).questions;
      assert.deepEqual(questions, [q1, q2, q3]);
      assert.deepEqual(me.registration.required, false);
    });

    test('a method the tenant does not allow cannot be registered', async () => {
      const settings = (await admin.get(SETTINGS)).json;
      await admin.put(SETTINGS, { ...settings, methodsAllowed: ['email', 'totp'] });
      const phone = await client.post('/api/v1/me/methods/phone', { number: '+33699999999' });
      assert.equal(phone.status, 409);
      assert.equal(phone.json.error.code, 'method_not_allowed');
      await admin.put(SETTINGS, settings);
    });

    test('delete a method; deleting it again is not_found', async () => {
      const removed = await client.delete('/api/v1/me/methods/phone');
      assert.equal(removed.status, 200);
      const again = await client.delete('/api/v1/me/methods/phone');
      assert.equal(again.status, 404);
      assert.equal(again.json.error.code, 'not_found');
      const bad = await client.delete('/api/v1/me/methods/carrier_pigeon');
      assert.equal(bad.json.error.code, 'validation_failed');
      const noCsrf = await client.request('DELETE', '/api/v1/me/methods/email', undefined, {
        csrf: false,
      });
      assert.equal(noCsrf.json.error.code, 'csrf_failed');
    });

    test('audit rows name the kind of method only', async () => {
      const rows = (await h.auditRows()).filter((r) => r.action.startsWith('me.method_'));
      assert.ok(rows.length >= 10);
      for (const row of rows) {
        const detail = JSON.parse(row.detail_json!) as Record<string, unknown>;
        assert.ok(Object.keys(detail).every((key) => key === 'kind' || key === 'reason'));
        assert.ok(
          ['email', 'phone', 'totp', 'security_questions'].includes(String(detail['kind'])),
        );
        assert.equal(JSON.stringify(row).includes('@mail.test'), false);
        assert.equal(JSON.stringify(row).includes('+336'), false);
      }
    });

    test('no code, TOTP seed or answer in the log, audit rows or any table', async () => {
      const logs = h.logLines.join('');
      const dump = await h.dumpAllTables();
      assert.match(dump, /pending_method_registrations/);
      assert.ok(h.secretsUsed.length > 15);
      for (const secret of h.secretsUsed) {
        if (/^\d{6}$/.test(secret)) {
          // A six-digit code could sit by chance inside a longer number or id: look for it
          // standing alone.
          const alone = new RegExp(`(?<![\\d.])${secret}(?![\\d.])`);
          assert.equal(alone.test(logs), false, 'a code is in the log');
          assert.equal(alone.test(dump), false, 'a code is stored');
          continue;
        }
        assert.equal(
          logs.includes(secret),
          false,
          `a secret of length ${secret.length} in the log`,
        );
        assert.equal(dump.includes(secret), false, `a secret of length ${secret.length} stored`);
        assert.equal(dump.toLowerCase().includes(secret.toLowerCase()), false);
      }
    });
  });
}
