import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { MailCatcher } from '../support/mail-catcher.js';
import { totpCodeAt } from '../support/totp-code.js';
import { FerrySystem } from './support/ferry-system.js';
import { MyAccountClient } from './support/my-account-client.js';
import { syncedLabUser } from './support/synced-lab-user.js';

/** Every secret the test typed or received, for the scans at the end. */
const secrets: string[] = [];
/** Strong enough for the cloud's own policy (zxcvbn 3+, not banned) and AD's complexity. */
function newPassword(): string {
  const password = `Vq${randomBytes(6).toString('hex')}!Tz-${randomBytes(3).toString('hex')}`;
  secrets.push(password);
  return password;
}

describe('My Account end to end: cloud + agent + lab DC + SMTP, all real processes', () => {
  let lab: LabFixture;
  let mail: MailCatcher;
  let system: FerrySystem;

  before(async () => {
    lab = await openLab();
    mail = await MailCatcher.start();
    system = new FerrySystem({
      lab: lab.state,
      operationTimeoutSeconds: 20,
      cloudEnv: { FERRY_SMTP_URL: mail.url },
    });
    await system.startNode();
    secrets.push(system.adminPassword, lab.state.serviceAccount.password);
    await system.addAgent();
    const settings = (await system.api.get('/api/v1/settings/password-reset')).json;
    const put = await system.api.put('/api/v1/settings/password-reset', {
      ...settings,
      ssprEnabled: 'all',
      methodsRequired: 2,
      methodsAllowed: ['email', 'totp', 'security_questions'],
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
  });
  after(async () => {
    await system?.stop();
    await mail?.stop();
    await lab?.close();
  });

  const bindsToAd = async (sAMAccountName: string, password: string) =>
    (
      await lab
        .connector()
        .verifyCredentials({ by: 'sAMAccountName', value: sAMAccountName }, Secret.of(password))
    ).code;

  test('a synced user signs in by pass-through, changes the password, and AD takes it', async () => {
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    secrets.push(user.account.password);
    const browser = new MyAccountClient(system.nodes[0]!.url);
    const signIn = await browser.signIn(user.account.userPrincipalName, user.account.password);
    assert.equal(signIn.status, 200, JSON.stringify(signIn.json));
    secrets.push(...browser.secrets);
    assert.equal(signIn.json.user.source, 'synced');
    assert.equal(signIn.json.user.id, user.userId);
    assert.deepEqual(signIn.json.user.registration, {
      required: true,
      missing: 2,
      allowed: ['email', 'totp', 'security_questions'],
      review: false,
    });
    const next = newPassword();
    const changed = await browser.post('/api/v1/me/password', {
      currentPassword: user.account.password,
      newPassword: next,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    assert.equal(await bindsToAd(user.account.sAMAccountName, next), 'applied');
    assert.equal(
      await bindsToAd(user.account.sAMAccountName, user.account.password),
      'invalid_credentials',
    );
    const again = new MyAccountClient(system.nodes[0]!.url);
    assert.equal((await again.signIn(user.account.userPrincipalName, next)).status, 200);
    secrets.push(...again.secrets);
  });

  test("the live check shows the user's own AD policy: the PSO for its members, else the domain's", async () => {
    // The lab domain has fine-grained policies, so the domain policy is not everyone's: the
    // cloud asks an agent for each user's resultant policy.
    const rulesOf = async (group?: 'minAgeZero') => {
      const user = await syncedLabUser(lab, system, group ? { group } : {});
      secrets.push(user.account.password);
      const browser = new MyAccountClient(system.nodes[0]!.url);
      assert.equal(
        (await browser.signIn(user.account.userPrincipalName, user.account.password)).status,
        200,
      );
      secrets.push(...browser.secrets);
      const check = await browser.post('/api/v1/me/password/check', { password: newPassword() });
      assert.equal(check.status, 200, JSON.stringify(check.json));
      return new Map(
        check.json.items
          .filter((item: { origin: string }) => item.origin === 'directory')
          .map((item: { rule: string; status: string; params: object }) => [item.rule, item]),
      ) as Map<string, { status: string; params: Record<string, unknown> }>;
    };
    // Domain policy (Samba's default): a password set a moment ago is a day too young.
    const domain = await rulesOf();
    assert.equal(domain.get('min_age')?.status, 'fail');
    assert.equal(domain.get('complexity')?.status, 'pass');
    // The "Min Age Zero" PSO: no minimum age for its members.
    const pso = await rulesOf('minAgeZero');
    assert.notEqual(pso.get('min_age')?.status, 'fail');
    assert.equal(pso.get('complexity')?.status, 'pass');
  });

  test('a wrong password is invalid_credentials, answered as for an unknown user', async () => {
    const user = await syncedLabUser(lab, system);
    secrets.push(user.account.password);
    const wrong = await new MyAccountClient(system.nodes[0]!.url).signIn(
      user.account.userPrincipalName,
      newPassword(),
    );
    const unknown = await new MyAccountClient(system.nodes[0]!.url).signIn(
      `nobody-${randomBytes(4).toString('hex')}@${lab.state.realm.toLowerCase()}`,
      newPassword(),
    );
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    const strip = (answer: { json: { error: Record<string, unknown> } }) => ({
      ...answer.json.error,
      requestId: undefined,
    });
    assert.deepEqual(strip(wrong), strip(unknown));
    assert.equal(wrong.json.error.code, 'invalid_credentials');
  });

  test('"must change password at next logon": 409, change on the change screen, then in', async () => {
    const user = await syncedLabUser(lab, system, { mustChange: true });
    secrets.push(user.account.password);
    const browser = new MyAccountClient(system.nodes[0]!.url);
    const refused = await browser.signIn(user.account.userPrincipalName, user.account.password);
    assert.equal(refused.status, 409, JSON.stringify(refused.json));
    assert.equal(refused.json.error.code, 'must_change_password');
    const next = newPassword();
    const change = await browser.post('/api/v1/self-service/password/change', {
      userPrincipalName: user.account.userPrincipalName,
      currentPassword: user.account.password,
      newPassword: next,
    });
    assert.equal(change.status, 200, JSON.stringify(change.json));
    const signedIn = await browser.signIn(user.account.userPrincipalName, next);
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.json));
    secrets.push(...browser.secrets);
    assert.equal(await bindsToAd(user.account.sAMAccountName, next), 'applied');
  });

  test('locked in AD (3 bad binds under the lab PSO): locked_out, even to the right password', async () => {
    const user = await syncedLabUser(lab, system, { group: 'lockoutThree' });
    secrets.push(user.account.password);
    const browser = new MyAccountClient(system.nodes[0]!.url);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const wrong = await browser.signIn(user.account.userPrincipalName, newPassword());
      assert.equal(wrong.json.error.code, 'invalid_credentials', `attempt ${attempt + 1}`);
    }
    const locked = await browser.signIn(user.account.userPrincipalName, user.account.password);
    assert.equal(locked.status, 423, JSON.stringify(locked.json));
    assert.equal(locked.json.error.code, 'locked_out');
  });

  test('a cloud-only user signs in and registers TOTP, email (real SMTP) and questions', async () => {
    const upn = `grace-${randomBytes(3).toString('hex')}@ferry.test`;
    const password = newPassword();
    const created = await system.api.post('/api/v1/users', {
      upn,
      displayName: 'Grace Hopper',
      password,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const browser = new MyAccountClient(system.nodes[0]!.url);
    const signIn = await browser.signIn(upn, password);
    assert.equal(signIn.status, 200, JSON.stringify(signIn.json));
    secrets.push(...browser.secrets);
    assert.equal(signIn.json.user.source, 'cloud');

    const totp = await browser.post('/api/v1/me/methods/totp');
    assert.equal(totp.status, 200, JSON.stringify(totp.json));
    assert.match(totp.json.qrSvg, /^<svg/);
    const seed = new URL(totp.json.otpauthUri).searchParams.get('secret')!;
    secrets.push(seed, totp.json.otpauthUri);
    const totpCode = totpCodeAt(seed, new Date());
    const activated = await browser.post('/api/v1/me/methods/totp/confirm', { code: totpCode });
    assert.equal(activated.status, 200, JSON.stringify(activated.json));

    const address = `grace.${randomBytes(3).toString('hex')}@mail.test`;
    const sent = await browser.post('/api/v1/me/methods/email', { address });
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    const code = /\b(\d{6})\b/.exec((await mail.waitFor(address)).text)![1]!;
    secrets.push(code);
    const confirmed = await browser.post('/api/v1/me/methods/email/confirm', { code });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.json));

    const catalog = (await browser.get('/api/v1/me/methods/security_questions/catalog')).json;
    const answers = (catalog.questions as string[])
      .slice(0, catalog.required)
      .map((question) => ({ question, answer: `answer-${randomBytes(5).toString('hex')}` }));
    secrets.push(...answers.map((a) => a.answer));
    const questions = await browser.put('/api/v1/me/methods/security_questions', { answers });
    assert.equal(questions.status, 200, JSON.stringify(questions.json));

    const me = (await browser.get('/api/v1/me')).json;
    assert.deepEqual(
      me.methods.map((m: { kind: string }) => m.kind),
      ['email', 'security_questions', 'totp'],
    );
    assert.deepEqual(me.registration, {
      required: false,
      missing: 0,
      allowed: ['email', 'totp', 'security_questions'],
      review: false,
    });
  });

  test('no password, code, session id or TOTP seed in any log, audit row or table', async () => {
    const logs = system.logs();
    const audit = JSON.stringify((await system.api.get('/api/v1/audit?limit=500')).json);
    const { db } = system.store();
    const stored = JSON.stringify([
      await db.selectFrom('users').selectAll().execute(),
      await db.selectFrom('verification_methods').selectAll().execute(),
      await db.selectFrom('user_sessions').selectAll().execute(),
      await db.selectFrom('pending_method_registrations').selectAll().execute(),
      await db.selectFrom('one_time_codes').selectAll().execute(),
      await db.selectFrom('operations').selectAll().execute(),
      await db.selectFrom('audit_events').selectAll().execute(),
    ]);
    assert.match(audit, /me\.sign_in/);
    assert.ok(secrets.length > 15);
    for (const secret of secrets) {
      const present = /^\d{6}$/.test(secret)
        ? (text: string) => new RegExp(`(?<![\\d.])${secret}(?![\\d.])`).test(text)
        : (text: string) => text.includes(secret);
      assert.equal(present(logs), false, `a secret of length ${secret.length} in the logs`);
      assert.equal(present(audit), false, `a secret of length ${secret.length} in the audit`);
      assert.equal(present(stored), false, `a secret of length ${secret.length} in the store`);
    }
  });
});
