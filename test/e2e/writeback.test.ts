import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { FerrySystem, type AgentHandle } from './support/ferry-system.js';
import { eventually } from './support/eventually.js';
import { syncedLabUser } from './support/synced-lab-user.js';

/** Strong enough for the cloud's own policy (zxcvbn 3+, not banned) and AD's complexity. */
const usedPasswords: string[] = [];
function newPassword(): string {
  const password = `Vq${randomBytes(6).toString('hex')}!Tz-${randomBytes(3).toString('hex')}`;
  usedPasswords.push(password);
  return password;
}

describe('writeback end to end: cloud + agents + lab DC, all real processes (SQLite)', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let agentA: AgentHandle;

  before(async () => {
    lab = await openLab();
    usedPasswords.push(lab.state.serviceAccount.password);
    system = new FerrySystem({ lab: lab.state, operationTimeoutSeconds: 20 });
    await system.startNode();
    usedPasswords.push(system.adminPassword);
    agentA = await system.addAgent({ tap: true });
  });
  after(async () => {
    await system?.stop();
    await lab?.close();
  });

  const verify = (sAMAccountName: string, password: string) =>
    lab
      .connector()
      .verifyCredentials({ by: 'sAMAccountName', value: sAMAccountName }, Secret.of(password));

  test('the agent is listed online with its directory, policy and writeback switch', async () => {
    const { json } = await system.api.get('/api/v1/agents');
    const agent = json.items.find((item: { id: string }) => item.id === agentA.agentId);
    assert.equal(agent.online, true);
    assert.equal(agent.directoryReachable, true);
    assert.equal(agent.passwordWritebackEnabled, true);
    assert.deepEqual(agent.policySummary, {
      minLength: 7,
      complexity: true,
      historyLength: 24,
      minAgeSeconds: 86_400,
      maxAgeSeconds: 42 * 86_400,
      lockoutThreshold: 0,
    });
  });

  test('admin reset of a synced user is written to AD; the user binds with it', async () => {
    const user = await syncedLabUser(lab, system);
    const password = newPassword();
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, { password });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    // The same {outcome} shape as the self-service routes, with the operation and the user.
    assert.equal(answer.json.outcome, 'applied');
    assert.equal(answer.json.user.id, user.userId);
    assert.equal((await verify(user.account.sAMAccountName, password)).code, 'applied');
    const audit = await system.api.get('/api/v1/audit?action=user.password_reset');
    const row = audit.json.events.find(
      (event: { target: { id: string } }) => event.target.id === user.userId,
    );
    assert.equal(row.result, 'success');
    assert.equal(row.detail.outcome, 'applied');
    assert.equal(answer.json.operationId, row.detail.operationId);
    assert.equal(row.detail.agentId, agentA.agentId);
  });

  test('admin reset with "must change at next logon": AD then answers 773', async () => {
    const user = await syncedLabUser(lab, system);
    const password = newPassword();
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password,
      mustChangeAtNextLogon: true,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(
      (await verify(user.account.sAMAccountName, password)).code,
      'must_change_password',
    );
  });

  test('self-service change applies, and AD refusals reach the caller intact', async () => {
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    const change = (currentPassword: string, next: string) =>
      system.api.post('/api/v1/self-service/password/change', {
        userPrincipalName: user.account.userPrincipalName,
        currentPassword,
        newPassword: next,
      });
    usedPasswords.push(user.account.password);
    const next = newPassword();
    const applied = await change(user.account.password, next);
    assert.equal(applied.status, 200, JSON.stringify(applied.json));
    assert.equal((await verify(user.account.sAMAccountName, next)).code, 'applied');

    const wrong = await change('Not-the-Current-9!', newPassword());
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json.error.code, 'wrong_current_password');

    const history = await change(next, user.account.password);
    assert.equal(history.json.error.code, 'policy_violation');
    assert.deepEqual(history.json.error.rules, [
      { rule: 'history', source: 'directory', params: { historyLength: 24 } },
    ]);

    const young = await syncedLabUser(lab, system);
    usedPasswords.push(young.account.password);
    const tooYoung = await system.api.post('/api/v1/self-service/password/change', {
      userPrincipalName: young.account.userPrincipalName,
      currentPassword: young.account.password,
      newPassword: newPassword(),
    });
    assert.equal(tooYoung.json.error.code, 'policy_violation');
    const [rule] = tooYoung.json.error.rules;
    assert.equal(rule.rule, 'min_age');
    assert.equal(rule.source, 'directory');
    assert.ok(Date.parse(rule.params.allowedAt) > Date.now() + 23 * 3_600_000);
  });

  test('a password the cloud refuses is never written, though it was already on its way', async () => {
    const user = await syncedLabUser(lab, system);
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password: 'Password123!',
    });
    assert.equal(answer.status, 422, JSON.stringify(answer.json));
    assert.equal(answer.json.error.code, 'policy_violation');
    assert.ok(answer.json.error.rules.some((rule: { rule: string }) => rule.rule === 'banned'));
    // Dispatched while the cloud checked it (held), then cancelled: no agent could claim it.
    assert.equal((await system.operationFor(user.objectGUID))?.state, 'cancelled');
    assert.equal(
      (await verify(user.account.sAMAccountName, user.account.password)).code,
      'applied',
      'the old password still works',
    );
  });

  test('AD complexity refusal of a password the cloud accepts comes back as the complexity rule', async () => {
    const user = await syncedLabUser(lab, system);
    const lowercaseOnly = 'quietmarbleriverlanternspoke';
    usedPasswords.push(lowercaseOnly);
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password: lowercaseOnly,
    });
    assert.equal(answer.status, 422, JSON.stringify(answer.json));
    assert.deepEqual(
      answer.json.error.rules.map((rule: { rule: string; source: string }) => [
        rule.rule,
        rule.source,
      ]),
      [['complexity', 'directory']],
    );
  });

  test('protected account, access denied, disabled account: each outcome reaches the API caller', async () => {
    const tom = await syncedLabUser(lab, system, { fixture: 'tom' });
    const protectedAnswer = await system.api.post(`/api/v1/users/${tom.userId}/password`, {
      password: newPassword(),
    });
    assert.equal(protectedAnswer.status, 403);
    assert.equal(protectedAnswer.json.error.code, 'protected_account');

    const olga = await syncedLabUser(lab, system, { fixture: 'olga' });
    const denied = await system.api.post(`/api/v1/users/${olga.userId}/password`, {
      password: newPassword(),
    });
    assert.equal(denied.json.error.code, 'access_denied');

    const carol = await syncedLabUser(lab, system, { fixture: 'carol' });
    usedPasswords.push(carol.account.password);
    const disabled = await system.api.post('/api/v1/self-service/password/change', {
      userPrincipalName: carol.account.userPrincipalName,
      currentPassword: carol.account.password,
      newPassword: newPassword(),
    });
    assert.equal(disabled.json.error.code, 'account_disabled');
  });

  test('unlock without reset: a locked-out user signs in again with the same password', async () => {
    const user = await syncedLabUser(lab, system, { group: 'lockoutThree' });
    for (let attempt = 0; attempt < 3; attempt += 1)
      await verify(user.account.sAMAccountName, `Wrong-${attempt}-Pass!`);
    assert.equal(
      (await verify(user.account.sAMAccountName, user.account.password)).code,
      'locked_out',
    );
    const answer = await system.api.post(`/api/v1/users/${user.userId}/unlock`);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(
      (await verify(user.account.sAMAccountName, user.account.password)).code,
      'applied',
    );
  });

  test('tenant gate off: writeback_disabled (tenant), nothing written', async () => {
    const user = await syncedLabUser(lab, system);
    const settings = await system.api.get('/api/v1/settings/password-reset');
    const off = {
      ...settings.json,
      onPremises: { ...settings.json.onPremises, writebackEnabled: false },
    };
    assert.equal((await system.api.put('/api/v1/settings/password-reset', off)).status, 200);
    try {
      const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
        password: newPassword(),
      });
      assert.equal(answer.status, 409);
      assert.equal(answer.json.error.code, 'writeback_disabled');
      assert.equal(answer.json.error.scope, 'tenant');
      assert.equal(answer.json.error.operation, 'reset');
      assert.match(answer.json.error.message, /^Password reset /);
      // The message fits the operation: an unlock and a change are not a "reset".
      const unlock = await system.api.post(`/api/v1/users/${user.userId}/unlock`);
      assert.equal(unlock.json.error.code, 'writeback_disabled');
      assert.deepEqual(
        [unlock.json.error.scope, unlock.json.error.operation],
        ['tenant', 'unlock'],
      );
      assert.match(unlock.json.error.message, /^Unlocking /);
      const change = await system.api.post('/api/v1/self-service/password/change', {
        userPrincipalName: user.account.userPrincipalName,
        currentPassword: user.account.password,
        newPassword: newPassword(),
      });
      assert.equal(change.json.error.code, 'writeback_disabled');
      assert.deepEqual(
        [change.json.error.scope, change.json.error.operation],
        ['tenant', 'change'],
      );
      assert.match(change.json.error.message, /^Password change /);
      assert.equal(
        (await verify(user.account.sAMAccountName, user.account.password)).code,
        'applied',
      );
    } finally {
      await system.api.put('/api/v1/settings/password-reset', settings.json);
    }
  });

  test('agent gate off (its own writeback switch): writeback_disabled, and the agent still reports', async () => {
    await agentA.process.stop();
    const off = await agentA.restart({ FERRY_AGENT_PASSWORD_WRITEBACK: 'false' });
    try {
      await eventually(async () => {
        const { json } = await system.api.get('/api/v1/agents');
        return json.items.some(
          (item: { id: string; online: boolean; passwordWritebackEnabled: boolean }) =>
            item.id === agentA.agentId && item.online && item.passwordWritebackEnabled === false,
        );
      }, 'the agent to report writeback off');
      const user = await syncedLabUser(lab, system);
      const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
        password: newPassword(),
      });
      assert.equal(answer.json.error.code, 'writeback_disabled');
      // Distinct from the tenant switch: the caller hears which one is off.
      assert.equal(answer.json.error.scope, 'agent');
      assert.equal(answer.json.error.operation, 'reset');
    } finally {
      await off.process.stop();
      agentA = await off.restart();
      await system.waitForAgentStatus(agentA.agentId);
    }
  });

  test('no agent online: agent_unavailable at once', async () => {
    await agentA.process.stop();
    try {
      const user = await syncedLabUser(lab, system);
      const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
        password: newPassword(),
      });
      assert.equal(answer.status, 503);
      assert.equal(answer.json.error.code, 'agent_unavailable');
    } finally {
      agentA = await agentA.restart();
      await system.waitForAgentStatus(agentA.agentId);
    }
  });

  test('an operation whose agent is killed mid-way is retried on another agent and applied once', async () => {
    const user = await syncedLabUser(lab, system);
    const password = newPassword();
    agentA.process.freeze();
    try {
      const pending = system.api.post(`/api/v1/users/${user.userId}/password`, { password });
      // An early answer (an error before dispatch) fails here with its body, not as a timeout.
      const early = await Promise.race([
        pending,
        system.waitForOperation(user.objectGUID).then(() => undefined),
      ]);
      assert.equal(early, undefined, `answered before dispatch: ${JSON.stringify(early?.json)}`);
      const agentB = await system.addAgent();
      await agentA.process.kill();
      const answer = await pending;
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.equal((await verify(user.account.sAMAccountName, password)).code, 'applied');
      const row = (await system.operationFor(user.objectGUID))!;
      assert.equal(row.state, 'done');
      assert.equal(row.agent_id, agentB.agentId);
      assert.equal(row.attempts, 1, 'exactly one agent claimed and wrote');
    } finally {
      // A failure above must not leave agent A frozen for the tests that follow.
      await agentA.process.kill();
      agentA = await agentA.restart();
    }
  });

  test('an expired operation is never applied, even when the agent wakes up later', async () => {
    for (const agent of system.agents)
      if (agent.process.child.exitCode === null && agent !== agentA) await agent.process.stop();
    const user = await syncedLabUser(lab, system);
    agentA.process.freeze();
    try {
      const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
        password: newPassword(),
      });
      assert.equal(answer.status, 504);
      assert.equal(answer.json.error.code, 'expired');
    } finally {
      agentA.process.thaw();
    }
    await agentA.process.waitFor(/"outcome":"expired"/);
    assert.equal(
      (await verify(user.account.sAMAccountName, user.account.password)).code,
      'applied',
    );
  });

  test('a tampered operation is refused by the agent and nothing is written', async () => {
    await system.waitForAgentStatus(agentA.agentId);
    const user = await syncedLabUser(lab, system);
    agentA.tap!.tamperNextOperation();
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, {
      password: newPassword(),
    });
    assert.equal(answer.json.error.code, 'operation_rejected', JSON.stringify(answer.json));
    assert.equal(
      (await verify(user.account.sAMAccountName, user.account.password)).code,
      'applied',
    );
  });

  test('a disabled agent is disconnected and refused; re-enabled, it comes back', async () => {
    const disable = await system.api.patch(`/api/v1/agents/${agentA.agentId}`, {
      status: 'disabled',
    });
    assert.equal(disable.status, 200);
    await agentA.process.waitFor(/"code":"agent_disabled"/);
    await system.api.patch(`/api/v1/agents/${agentA.agentId}`, { status: 'active' });
    await system.waitForAgentStatus(agentA.agentId, undefined, 40_000);
  });

  test('nothing secret in the logs, the store, or on the wire between cloud and agent', async () => {
    const frames = agentA.tap!.frames.map((frame) => frame.payload.toString('utf8'));
    assert.ok(
      frames.some((text) => text.includes('"type":"operation"')),
      'the tap decoded operation frames',
    );
    const wire = [...frames, ...agentA.tap!.raw.map((chunk) => chunk.toString('latin1'))].join(
      '\n',
    );
    const tables = [
      'users',
      'operations',
      'agents',
      'agent_enrollment_tokens',
      'cloud_keys',
      'audit_events',
      'settings',
    ] as const;
    const dump: string[] = [];
    for (const table of tables)
      dump.push(JSON.stringify(await system.store().db.selectFrom(table).selectAll().execute()));
    const haystacks = { logs: system.logs(), store: dump.join('\n'), wire };
    for (const secret of usedPasswords) {
      for (const [where, text] of Object.entries(haystacks)) {
        assert.ok(!text.includes(secret), `a password appears in the ${where}`);
        assert.ok(
          !text.includes(Buffer.from(secret, 'utf16le').toString('latin1')),
          `a UTF-16 password appears in the ${where}`,
        );
      }
    }
  });
});
