import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { labPaths, replace, setDomainPasswordSettings } from '@ferry/lab';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { MailCatcher } from '../support/mail-catcher.js';
import { FerrySystem } from './support/ferry-system.js';
import { ResetClient } from './support/reset-client.js';
import { syncedLabUser, type SyncedLabUser } from './support/synced-lab-user.js';

function newPassword(): string {
  return `Ff${randomBytes(6).toString('hex')}!Qz-${randomBytes(3).toString('hex')}`;
}

/**
 * Refusals rest on fresh facts: an admin's change to the domain policy is seen by the next
 * operation (the cloud caches a user's policy 60 s, the agent 30 s), a "must change" set a
 * moment ago is not refused with yesterday's stamp, and refusals Ferry made itself do not
 * spend the user's five resets an hour.
 */
describe('fresh facts, not cached ones: cloud + agent + lab DC', () => {
  let lab: LabFixture;
  let mail: MailCatcher;
  let system: FerrySystem;

  const change = (upn: string, currentPassword: string, next: string) =>
    system.api.post('/api/v1/self-service/password/change', {
      userPrincipalName: upn,
      currentPassword,
      newPassword: next,
    });

  before(async () => {
    lab = await openLab();
    mail = await MailCatcher.start();
    system = new FerrySystem({
      lab: lab.state,
      operationTimeoutSeconds: 20,
      cloudEnv: { FERRY_SMTP_URL: mail.url, FERRY_SSPR_POW_BITS: '8' },
    });
    await system.startNode();
    await system.addAgent();
    const settings = (await system.api.get('/api/v1/settings/password-reset')).json;
    const put = await system.api.put('/api/v1/settings/password-reset', {
      ...settings,
      ssprEnabled: 'all',
      methodsRequired: 1,
      methodsAllowed: ['email'],
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    await system.waitForAgentStatus(system.agents[0]!.agentId);
  });
  after(async () => {
    // The lab's domain policy as provisioned, whatever a test left.
    await setDomainPasswordSettings(labPaths(), { minPwdAgeDays: 1 });
    await system?.stop();
    await mail?.stop();
    await lab?.close();
  });

  /**
   * A synced user with an email method, through the gate of a reset flow; the flow's policy
   * page has the cloud read (and keep) the user's policy, as a portal does.
   */
  async function verifiedFlow(): Promise<{ user: SyncedLabUser; client: ResetClient }> {
    const user = await syncedLabUser(lab, system);
    const address = `${user.account.sAMAccountName.toLowerCase()}@mail.example.test`;
    const put = await system.api.put(`/api/v1/users/${user.userId}/methods/email`, { address });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const client = new ResetClient(system.nodes[0]!.url);
    await client.start(user.account.userPrincipalName);
    assert.equal((await client.call('POST', '/gates/email/send')).status, 200);
    const message = await mail.waitFor(address, (m) => m.subject === 'Your password reset code');
    const code = /\b(\d{6})\b/.exec(message.text)![1]!;
    assert.equal((await client.call('POST', '/gates/email/verify', { code })).status, 200);
    const policy = await client.call('GET', '/policy?locale=en');
    const minAge = policy.json.rules.find((rule: { rule: string }) => rule.rule === 'min_age');
    assert.equal(minAge?.status, 'fail', 'the cloud now holds a one-day minimum age');
    return { user, client };
  }

  test('a "must change" set in AD a moment ago is not refused for minimum age by the cloud', async () => {
    const { user, client } = await verifiedFlow();
    // The cloud's copy still holds the stamp of the password just set, and a one-day age.
    await lab.admin.modify(user.account.dn, [replace('pwdLastSet', ['0'])]);
    const answer = await client.call('POST', '/reset', { newPassword: newPassword() });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  });

  test('an admin lowers the minimum age: the next reset and change see it at once, and the refusals before spent no reset budget', async () => {
    const { user, client } = await verifiedFlow();
    // Refused five times (the hourly budget) with the policy both caches now hold.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const refused = await client.call('POST', '/reset', { newPassword: newPassword() });
      assert.equal(refused.json.error?.code, 'policy_violation', JSON.stringify(refused.json));
      assert.equal(refused.json.error.rules[0].rule, 'min_age');
    }
    await setDomainPasswordSettings(labPaths(), { minPwdAgeDays: 0 });
    try {
      // A sixth reset within the hour: the five refusals were Ferry's own, so it is not
      // rate_limited; and neither cache refuses it with the old age.
      const reset = newPassword();
      const applied = await client.call('POST', '/reset', { newPassword: reset });
      assert.equal(applied.status, 200, JSON.stringify(applied.json));
      // Right after a write, only a zero minimum age lets the user change again.
      const changed = await change(user.account.userPrincipalName, reset, newPassword());
      assert.equal(changed.status, 200, JSON.stringify(changed.json));
    } finally {
      await setDomainPasswordSettings(labPaths(), { minPwdAgeDays: 1 });
    }
  });
});
