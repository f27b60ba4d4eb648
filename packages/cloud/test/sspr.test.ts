import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { MailCatcher } from '../../../test/support/mail-catcher.js';
import { verifyPassword } from '../src/crypto/password-hash.js';
import {
  defaultPasswordResetSettings,
  putPasswordResetSettings,
  type PasswordResetSettings,
} from '../src/directory/password-reset-settings.js';
import { setRoles } from '../src/directory/roles.js';
import { createCloudUser, getUser } from '../src/directory/users.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { SmsCatcher } from './helpers/sms-catcher.js';
import { SsprClient } from './helpers/sspr-client.js';

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

for (const backend of backends) {
  describe(`self-service password reset on ${backend.name}`, () => {
    let h: Harness;
    let mail: MailCatcher;
    let sms: SmsCatcher;
    let ann: { id: string; upn: string };

    const settings = (change: Partial<PasswordResetSettings> = {}) =>
      putPasswordResetSettings(
        h.cloud.services.db,
        h.clock,
        h.tenantId,
        {
          ...defaultPasswordResetSettings,
          ssprEnabled: 'all',
          methodsAllowed: ['email', 'phone', 'totp', 'security_questions'],
          ...change,
        },
        'test',
      );
    const client = () => new SsprClient(h.app, (secret) => h.secretsUsed.push(secret));
    const newUser = async (upn: string) => {
      const user = await createCloudUser(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        h.tenantId,
        {
          upn,
          displayName: upn.split('@')[0]!,
          password: Secret.of(h.password()),
        },
      );
      return { id: user.id, upn };
    };
    /** Sends the email code of the client's flow and reads it from the caught mail. */
    const emailCode = async (flow: SsprClient, to: string) => {
      mail.clear();
      assert.equal((await flow.post('/gates/email/send')).status, 200);
      const message = await mail.waitFor(to, (m) => m.subject === 'Your password reset code');
      const code = codeIn(message.text);
      h.secretsUsed.push(code);
      return code;
    };

    before(async () => {
      mail = await MailCatcher.start();
      sms = await SmsCatcher.start();
      h = await Harness.start(backend, {
        smtpUrl: mail.url,
        mailFrom: 'Ferry <ferry@contoso.test>',
        smsGateway: 'http',
        smsGatewayUrl: sms.url,
        smsGatewayToken: 'sms-gateway-token-1234567890',
        ssprPowBits: 6,
      });
      h.secretsUsed.push('sms-gateway-token-1234567890');
      ann = await newUser('ann@contoso.test');
      await h.cloud.services.methods.setEmail(h.tenantId, ann.id, 'ann.home@example.test');
    });
    after(async () => {
      await h.stop();
      await mail.stop();
      await sms.stop();
    });
    beforeEach(() => settings());

    test('the public settings say whether reset is offered', async () => {
      await settings({ helpdeskLink: 'help@contoso.test' });
      const on = await client().get('/settings');
      assert.deepEqual(on.json, {
        enabled: true,
        helpdeskUrl: 'mailto:help@contoso.test',
        unlockEnabled: false,
      });
      await settings({ ssprEnabled: 'none' });
      assert.equal((await client().get('/settings')).json.enabled, false);
      const refused = await client().start(ann.upn);
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.code, 'sspr_disabled');
    });

    test('start needs a solved, unspent, genuine proof of work', async () => {
      const flow = client();
      const { json } = await flow.get('/challenge');
      assert.equal(json.difficulty, 6);
      const body = { userPrincipalName: ann.upn, challenge: json.challenge };
      // A nonce that does not meet the difficulty (found by search, so the test is exact).
      const { hasLeadingZeroBits } = await import('../src/sspr/proof-of-work.js');
      let bad = 0;
      while (hasLeadingZeroBits(`${json.challenge}:${bad}`, 6)) bad++;
      const unsolved = await flow.post('/start', { ...body, nonce: String(bad) });
      assert.equal(unsolved.status, 400);
      assert.equal(unsolved.json.error.code, 'challenge_invalid');
      const solved = await flow.solved();
      const first = await flow.post('/start', { userPrincipalName: ann.upn, ...solved });
      assert.equal(first.status, 200);
      const replay = await flow.post('/start', { userPrincipalName: ann.upn, ...solved });
      assert.equal(replay.json.error.code, 'challenge_invalid');
      const forged = solved.challenge.replace(/\.[^.]+$/, '.AAAA');
      const tampered = await flow.post('/start', { ...body, challenge: forged, nonce: '1' });
      assert.equal(tampered.json.error.code, 'challenge_invalid');
      h.clock.advance(6 * 60_000);
      const late = await flow.solved();
      h.clock.advance(6 * 60_000);
      const expired = await flow.post('/start', { userPrincipalName: ann.upn, ...late });
      assert.equal(expired.json.error.code, 'challenge_invalid');
    });

    test('a cloud-only user resets by email code; the flow then ends and a notice is mailed', async () => {
      const flow = client();
      const started = await flow.start('Ann@Contoso.test');
      assert.equal(started.status, 200);
      assert.equal(started.json.required, 1);
      assert.deepEqual(started.json.gates, [{ kind: 'email', hint: 'a***@example.test' }]);
      assert.match(started.json.flowToken, /^[A-Za-z0-9_-]{43}$/);

      const early = await flow.post('/reset', { newPassword: h.password() });
      assert.equal(early.status, 403);
      assert.equal(early.json.error.code, 'verification_required');
      assert.equal((await flow.get('/policy')).json.error.code, 'verification_required');

      const code = await emailCode(flow, 'ann.home@example.test');
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const refused = await flow.post('/gates/email/verify', { code: wrong });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.error.code, 'verification_failed');
      const passed = await flow.post('/gates/email/verify', { code });
      assert.equal(passed.status, 200);
      assert.deepEqual(passed.json, { passed: ['email'], remaining: 0 });
      const reused = await flow.post('/gates/email/verify', { code });
      assert.equal(reused.json.error.code, 'verification_failed', 'a code works once');

      const policy = await flow.get('/policy?locale=fr');
      assert.equal(policy.status, 200);
      const tooShort = policy.json.rules.find(
        (rule: { rule: string }) => rule.rule === 'too_short',
      );
      assert.ok(tooShort, 'the length rule is listed');
      assert.match(tooShort.message, /caractères/);
      const check = await flow.post('/password/check', { password: 'ann' });
      assert.equal(check.json.ok, false);

      const weak = 'Password1!';
      h.secretsUsed.push(weak);
      const violation = await flow.post('/reset', { newPassword: weak });
      assert.equal(violation.status, 422);
      assert.equal(violation.json.error.code, 'policy_violation');
      assert.ok(violation.json.error.rules.length > 0);

      const chosen = h.password();
      const applied = await flow.post('/reset', { newPassword: chosen });
      assert.equal(applied.status, 200);
      assert.deepEqual(applied.json, { outcome: 'applied' });
      const row = await getUser(h.cloud.services.db, h.tenantId, ann.id);
      assert.ok(row.password_hash?.startsWith('$argon2id$'));
      assert.equal(await verifyPassword(row.password_hash!, Secret.of(chosen)), true);
      const notice = await mail.waitFor('ann.home@example.test', (m) =>
        m.subject.includes('was reset'),
      );
      assert.match(notice.text, /ann@contoso\.test/);
      assert.equal(notice.text.includes(chosen), false);

      const after = await flow.post('/reset', { newPassword: h.password() });
      assert.equal(after.status, 401);
      assert.equal(after.json.error.code, 'flow_expired');
      const actions = (await h.auditRows()).filter((row) => row.action.startsWith('sspr.'));
      assert.deepEqual([...new Set(actions.map((row) => row.action))].sort(), [
        'sspr.gate_send',
        'sspr.gate_verify',
        'sspr.reset',
        'sspr.start',
      ]);
      const reset = actions.filter((row) => row.action === 'sspr.reset').map((row) => row.result);
      assert.deepEqual(reset, ['verification_required', 'policy_violation', 'success']);
    });

    test('two resets of one flow at once: one applies, the other finds the flow ended', async () => {
      const zoe = await newUser('zoe@contoso.test');
      await h.cloud.services.methods.setEmail(h.tenantId, zoe.id, 'zoe.home@example.test');
      const flow = client();
      assert.equal((await flow.start(zoe.upn)).status, 200);
      const code = await emailCode(flow, 'zoe.home@example.test');
      assert.equal((await flow.post('/gates/email/verify', { code })).status, 200);
      const passwords = [h.password(), h.password()];
      const answers = await Promise.all(
        passwords.map((newPassword) => flow.post('/reset', { newPassword })),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepEqual(statuses, [200, 401], JSON.stringify(answers.map((a) => a.json)));
      const loser = answers.find((answer) => answer.status === 401)!;
      assert.equal(loser.json.error.code, 'flow_expired');
      const winner = passwords[answers.findIndex((answer) => answer.status === 200)]!;
      const row = await getUser(h.cloud.services.db, h.tenantId, zoe.id);
      assert.equal(await verifyPassword(row.password_hash!, Secret.of(winner)), true);
    });

    test('phone codes go through the HTTP SMS gateway with its bearer token', async () => {
      const carl = await newUser('carl@contoso.test');
      await h.cloud.services.methods.setPhone(h.tenantId, carl.id, '+33 6 12 34 56 42');
      const flow = client();
      const started = await flow.start(carl.upn);
      assert.deepEqual(started.json.gates, [{ kind: 'phone', hint: '+33 ••• •• •• 42' }]);
      assert.deepEqual((await flow.post('/gates/phone/send')).json, { sent: true });
      const text = await sms.waitFor('+33 6 12 34 56 42');
      assert.equal(text.authorization, 'Bearer sms-gateway-token-1234567890');
      const code = codeIn(text.text);
      h.secretsUsed.push(code);
      const passed = await flow.post('/gates/phone/verify', { code });
      assert.deepEqual(passed.json, { passed: ['phone'], remaining: 0 });
    });

    test('an admin resets under the administrator policy: two gates, never security questions', async () => {
      const ada = await newUser('ada.admin@contoso.test');
      await setRoles(h.cloud.services.db, h.tenantId, ada.id, ['helpdesk_admin'], h.clock.now());
      const { methods } = h.cloud.services;
      await methods.setEmail(h.tenantId, ada.id, 'ada.home@example.test');
      await methods.setPhone(h.tenantId, ada.id, '+33 6 12 34 56 77');
      await methods.setSecurityAnswers(h.tenantId, ada.id, [
        { question: 'City?', answer: Secret.of('Lyon') },
      ]);
      await settings({ methodsRequired: 1 });
      const flow = client();
      const started = await flow.start(ada.upn);
      assert.equal(started.json.required, 2);
      assert.deepEqual(
        started.json.gates.map((gate: { kind: string }) => gate.kind),
        ['email', 'phone'],
      );
      const code = await emailCode(flow, 'ada.home@example.test');
      assert.deepEqual((await flow.post('/gates/email/verify', { code })).json, {
        passed: ['email'],
        remaining: 1,
      });
      const early = await flow.post('/reset', { newPassword: h.password() });
      assert.equal(early.json.error.code, 'verification_required', 'one gate is not enough');
      assert.deepEqual((await flow.post('/gates/phone/send')).json, { sent: true });
      const text = await sms.waitFor('+33 6 12 34 56 77');
      const phoneCode = codeIn(text.text);
      h.secretsUsed.push(phoneCode);
      await flow.post('/gates/phone/verify', { code: phoneCode });
      const applied = await flow.post('/reset', { newPassword: h.password() });
      assert.equal(applied.status, 200, applied.body);
    });

    test('codes die after 5 minutes, flows after 15', async () => {
      const flow = client();
      await flow.start(ann.upn);
      const code = await emailCode(flow, 'ann.home@example.test');
      h.clock.advance(5 * 60_000 + 1);
      const stale = await flow.post('/gates/email/verify', { code });
      assert.equal(stale.json.error.code, 'verification_failed');
      h.clock.advance(10 * 60_000);
      const gone = await flow.post('/gates/email/send');
      assert.equal(gone.status, 401);
      assert.equal(gone.json.error.code, 'flow_expired');
      const none = await new SsprClient(h.app).post('/gates/email/send');
      assert.equal(none.json.error.code, 'flow_expired');
    });

    test('two methods: security questions (a random subset) and TOTP, which cannot be replayed', async () => {
      await settings({ methodsRequired: 2 });
      const dora = await newUser('dora@contoso.test');
      const { methods } = h.cloud.services;
      const { newTotpSeed, totpCode, totpStep } = await import('../src/verification/totp.js');
      const seed = newTotpSeed(h.cloud.services.random);
      h.secretsUsed.push(seed.reveal());
      await methods.setTotp(h.tenantId, dora.id, seed);
      const catalog = ['Q one?', 'Q two?', 'Q three?', 'Q four?'];
      const answers = catalog.map((question, index) => {
        const answer = `Answer ${index} ${h.password()}`;
        h.secretsUsed.push(answer);
        return { question, answer };
      });
      await methods.setSecurityAnswers(
        h.tenantId,
        dora.id,
        answers.map((entry) => ({ question: entry.question, answer: Secret.of(entry.answer) })),
      );
      const flow = client();
      const started = await flow.start(dora.upn);
      assert.equal(started.json.required, 2);
      assert.deepEqual(started.json.gates, [
        { kind: 'totp', hint: null },
        { kind: 'security_questions', hint: null },
      ]);
      const asked = (await flow.get('/gates/security_questions')).json.questions as string[];
      assert.equal(asked.length, 3);
      assert.ok(asked.every((question) => catalog.includes(question)));
      assert.deepEqual((await flow.get('/gates/security_questions')).json.questions, asked);
      const reply = (wrongIndex?: number) =>
        asked.map((question, index) => ({
          question,
          // Case and spacing do not matter; a wrong answer anywhere fails the gate.
          answer:
            index === wrongIndex
              ? 'nope'
              : `  ${answers.find((entry) => entry.question === question)!.answer.toUpperCase()} `,
        }));
      const wrong = await flow.post('/gates/security_questions/verify', { answers: reply(1) });
      assert.equal(wrong.json.error.code, 'verification_failed');
      const right = await flow.post('/gates/security_questions/verify', { answers: reply() });
      assert.deepEqual(right.json, { passed: ['security_questions'], remaining: 1 });
      assert.equal((await flow.post('/reset', { newPassword: h.password() })).status, 403);

      const code = totpCode(seed, totpStep(h.clock.now())).reveal();
      h.secretsUsed.push(code);
      const totp = await flow.post('/gates/totp/verify', { code });
      assert.deepEqual(totp.json, { passed: ['security_questions', 'totp'], remaining: 0 });
      const again = client();
      await again.start(dora.upn);
      const replay = await again.post('/gates/totp/verify', { code });
      assert.equal(replay.json.error.code, 'verification_failed', 'a TOTP step works once');
      assert.deepEqual((await flow.post('/reset', { newPassword: h.password() })).json, {
        outcome: 'applied',
      });
    });

    test('about five tries an hour per user and gate, then 429 with retryAfter', async () => {
      const eve = await newUser('eve@contoso.test');
      await h.cloud.services.methods.setEmail(h.tenantId, eve.id, 'eve@example.test');
      const flow = client();
      await flow.start(eve.upn);
      for (let i = 0; i < 5; i++) {
        const response = await flow.post('/gates/email/verify', { code: '000000' });
        assert.equal(response.json.error.code, 'verification_failed');
      }
      const limited = await flow.post('/gates/email/verify', { code: '000000' });
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error.code, 'rate_limited');
      assert.equal(limited.json.error.retryAfter, 3600);
      // A new flow does not reset the count: it is per user.
      const fresh = client();
      await fresh.start(eve.upn);
      assert.equal((await fresh.post('/gates/email/verify', { code: '000000' })).status, 429);
      h.clock.advance(60 * 60_000);
      const later = client();
      await later.start(eve.upn);
      const code = await emailCode(later, 'eve@example.test');
      assert.equal((await later.post('/gates/email/verify', { code })).status, 200);
      for (let i = 0; i < 5; i++) {
        assert.equal((await later.post('/reset', { newPassword: 'short' })).status, 422);
      }
      const resets = await later.post('/reset', { newPassword: h.password() });
      assert.equal(resets.status, 429);
      assert.ok(resets.json.error.retryAfter > 0);
    });

    test('unlock without reset follows the tenant switch', async () => {
      const fay = await newUser('fay@contoso.test');
      await h.cloud.services.methods.setEmail(h.tenantId, fay.id, 'fay@example.test');
      await h.cloud.services.db
        .updateTable('users')
        .set({ locked_out: 1 })
        .where('id', '=', fay.id)
        .execute();
      const flow = client();
      await flow.start(fay.upn);
      await flow.post('/gates/email/verify', { code: await emailCode(flow, 'fay@example.test') });
      const off = await flow.post('/unlock');
      assert.equal(off.status, 409);
      assert.equal(off.json.error.code, 'unlock_disabled');
      await settings({
        onPremises: { writebackEnabled: true, unlockWithoutResetEnabled: true },
      });
      assert.equal((await client().get('/settings')).json.unlockEnabled, true);
      assert.deepEqual((await flow.post('/unlock')).json, { outcome: 'applied' });
      const row = await getUser(h.cloud.services.db, h.tenantId, fay.id);
      assert.equal(row.locked_out, 0);
    });

    test('a synced user without an online agent gets the outcome, not a hang', async () => {
      const { upsertSyncedUser } = await import('../src/directory/synced-users.js');
      const gus = await upsertSyncedUser(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        h.tenantId,
        {
          sourceAnchor: h.random(),
          upn: 'gus@contoso.test',
          displayName: 'Gus',
          distinguishedName: 'CN=Gus,DC=contoso,DC=test',
          enabled: true,
          lockedOut: false,
        },
      );
      await h.cloud.services.methods.setEmail(h.tenantId, gus.id, 'gus@example.test');
      const flow = client();
      await flow.start(gus.upn);
      await flow.post('/gates/email/verify', { code: await emailCode(flow, 'gus@example.test') });
      const reset = await flow.post('/reset', { newPassword: h.password() });
      assert.equal(reset.status, 503);
      assert.equal(reset.json.error.code, 'agent_unavailable');
    });

    // Runs last: every code, answer, password, flow token and seed used above was recorded.
    test('no code, answer, password, seed or flow token is in the log or any table', async () => {
      const flowTokens = h.secretsUsed.filter((secret) => /^[A-Za-z0-9_-]{43}$/.test(secret));
      const codes = h.secretsUsed.filter((secret) => /^\d{6}$/.test(secret));
      assert.ok(flowTokens.length >= 8, `flow tokens recorded (${flowTokens.length})`);
      assert.ok(codes.length >= 6, `codes recorded (${codes.length})`);
      const logs = h.logLines.join('');
      assert.match(logs, /sspr\/gates\/email\/verify/, 'the log has the reset requests');
      const dump = await h.dumpAllTables();
      assert.match(dump, /sspr_flows/);
      const audit = JSON.stringify(await h.auditRows());
      // A six-digit code is a secret only as a whole value: the same six digits inside a longer
      // number (a millisecond timestamp, a counter) are a one-in-10^6 coincidence per place,
      // which a dump of every table and the whole log make likely over many runs.
      const holds = (text: string, secret: string): boolean =>
        codes.includes(secret)
          ? new RegExp(`(?<![0-9])${secret}(?![0-9])`).test(text)
          : text.includes(secret);
      for (const secret of h.secretsUsed) {
        assert.equal(holds(logs, secret), false, `a secret of length ${secret.length} is logged`);
        assert.equal(holds(dump, secret), false, `a secret of length ${secret.length} is stored`);
        assert.equal(holds(audit, secret), false, `a secret of length ${secret.length} is audited`);
      }
      // Codes are six digits: look for them as whole values in the audit rows, not anywhere.
      for (const code of codes) assert.equal(audit.includes(`"${code}"`), false);
    });
  });
}
