import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { MailCatcher } from '../support/mail-catcher.js';
import { FerrySystem } from './support/ferry-system.js';
import { ResetClient } from './support/reset-client.js';
import { syncedLabUser, type SyncedLabUser } from './support/synced-lab-user.js';

/** Every secret the test handles, searched for in the logs and the store at the end. */
const secrets: string[] = [];
function newPassword(): string {
  const password = `Rs${randomBytes(6).toString('hex')}!Kw-${randomBytes(3).toString('hex')}`;
  secrets.push(password);
  return password;
}

describe('self-service password reset end to end: cloud + agent + lab DC + SMTP, real processes', () => {
  let lab: LabFixture;
  let mail: MailCatcher;
  let system: FerrySystem;
  let settings: Record<string, unknown>;

  const verifyBind = (sAMAccountName: string, password: string) =>
    lab
      .connector()
      .verifyCredentials({ by: 'sAMAccountName', value: sAMAccountName }, Secret.of(password));

  /** A synced lab user with a registered email address. */
  async function registered(options: Parameters<typeof syncedLabUser>[2] = {}) {
    const user = await syncedLabUser(lab, system, options);
    secrets.push(user.account.password);
    const address = `${user.account.sAMAccountName.toLowerCase()}@mail.example.test`;
    const put = await system.api.put(`/api/v1/users/${user.userId}/methods/email`, { address });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    return { ...user, address };
  }

  /** Starts a flow for the user and passes the email gate with the mailed code. */
  async function verified(user: SyncedLabUser & { address: string }): Promise<ResetClient> {
    const client = new ResetClient(system.nodes[0]!.url, (secret) => secrets.push(secret));
    const started = await client.start(user.account.userPrincipalName);
    assert.deepEqual(
      started.gates.map((gate: { kind: string }) => gate.kind),
      ['email'],
    );
    assert.equal((await client.call('POST', '/gates/email/send')).status, 200);
    const message = await mail.waitFor(
      user.address,
      (m) => m.subject === 'Your password reset code',
    );
    const code = /\b(\d{6})\b/.exec(message.text)![1]!;
    secrets.push(code);
    const passed = await client.call('POST', '/gates/email/verify', { code });
    assert.deepEqual(passed.json, { passed: ['email'], remaining: 0 });
    return client;
  }

  async function putSettings(change: Record<string, unknown>) {
    const answer = await system.api.put('/api/v1/settings/password-reset', {
      ...settings,
      ...change,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  }

  before(async () => {
    lab = await openLab();
    secrets.push(lab.state.serviceAccount.password);
    mail = await MailCatcher.start();
    system = new FerrySystem({
      lab: lab.state,
      operationTimeoutSeconds: 20,
      cloudEnv: { FERRY_SMTP_URL: mail.url, FERRY_SSPR_POW_BITS: '8' },
    });
    await system.startNode();
    secrets.push(system.adminPassword);
    await system.addAgent();
    settings = {
      ...(await system.api.get('/api/v1/settings/password-reset')).json,
      ssprEnabled: 'all',
      methodsRequired: 1,
      methodsAllowed: ['email', 'totp'],
    };
    await putSettings({});
  });
  after(async () => {
    await system?.stop();
    await mail?.stop();
    await lab?.close();
  });

  test('a synced user resets by email code, then binds to AD with the new password', async () => {
    const user = await registered({ group: 'minAgeZero' });
    const client = await verified(user);
    const policy = await client.call('GET', '/policy');
    assert.equal(policy.status, 200);
    assert.ok(policy.json.rules.some((rule: { rule: string }) => rule.rule === 'too_short'));
    const password = newPassword();
    const check = await client.call('POST', '/password/check', { password });
    assert.equal(check.json.ok, true, JSON.stringify(check.json));
    const reset = await client.call('POST', '/reset', { newPassword: password });
    assert.equal(reset.status, 200, JSON.stringify(reset.json));
    assert.deepEqual(reset.json, { outcome: 'applied' });
    assert.equal((await verifyBind(user.account.sAMAccountName, password)).code, 'applied');
    assert.equal(
      (await verifyBind(user.account.sAMAccountName, user.account.password)).code,
      'invalid_credentials',
    );
    const notice = await mail.waitFor(user.address, (m) => m.subject === 'Your password was reset');
    assert.match(notice.text, new RegExp(user.account.userPrincipalName.replace('.', '\\.')));
    const audit = await system.api.get('/api/v1/audit?action=sspr.reset');
    const row = audit.json.events.find(
      (event: { target: { id: string } | null }) => event.target?.id === user.userId,
    );
    assert.equal(row.result, 'success');
    assert.ok(row.detail.operationId, 'the audit row names the relayed operation');
  });

  test("AD's minimum password age refuses a fresh user's reset, saying when it will pass", async () => {
    const user = await registered();
    const client = await verified(user);
    const reset = await client.call('POST', '/reset', { newPassword: newPassword() });
    assert.equal(reset.status, 422, JSON.stringify(reset.json));
    assert.equal(reset.json.error.code, 'policy_violation');
    const [rule] = reset.json.error.rules;
    assert.equal(rule.rule, 'min_age');
    // Named by the agent from the domain policy it read (Samba applies no minimum age to a
    // reset itself; Windows does under the policy-hints control).
    assert.equal(rule.source, 'policy');
    const audit = await system.api.get('/api/v1/audit?action=sspr.reset');
    const row = audit.json.events.find(
      (event: { target: { id: string } | null }) => event.target?.id === user.userId,
    );
    assert.equal(row.result, 'policy_violation');
    assert.ok(row.detail.operationId, 'the agent answered, not a cloud pre-check');
    assert.ok(Date.parse(rule.params.allowedAt) > Date.now() + 23 * 3_600_000);
    assert.equal(
      (await verifyBind(user.account.sAMAccountName, user.account.password)).code,
      'applied',
      'the old password still works',
    );
  });

  test('unlock without reset: refused while the tenant switch is off, applied when on', async () => {
    const user = await registered({ group: 'lockoutThree' });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await verifyBind(user.account.sAMAccountName, `Wrong-${attempt}-Pass!`);
    }
    assert.equal(
      (await verifyBind(user.account.sAMAccountName, user.account.password)).code,
      'locked_out',
    );
    const client = await verified(user);
    const off = await client.call('POST', '/unlock');
    assert.equal(off.status, 409);
    assert.equal(off.json.error.code, 'unlock_disabled');
    await putSettings({
      onPremises: { ...(settings['onPremises'] as object), unlockWithoutResetEnabled: true },
    });
    try {
      assert.equal((await client.call('GET', '/settings')).json.unlockEnabled, true);
      const on = await client.call('POST', '/unlock');
      assert.equal(on.status, 200, JSON.stringify(on.json));
      assert.equal(
        (await verifyBind(user.account.sAMAccountName, user.account.password)).code,
        'applied',
      );
    } finally {
      await putSettings({});
    }
  });

  test("no code, password or flow token in the processes' logs or the store", async () => {
    const tables = ['users', 'operations', 'audit_events', 'sspr_flows', 'one_time_codes'] as const;
    const dump: string[] = [];
    for (const table of tables) {
      dump.push(JSON.stringify(await system.store().db.selectFrom(table).selectAll().execute()));
    }
    const haystacks = { logs: system.logs(), store: dump.join('\n') };
    assert.ok(secrets.length >= 10);
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(haystacks)) {
        assert.ok(!text.includes(secret), `a secret of length ${secret.length} is in the ${where}`);
      }
    }
  });
});
