import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { postgresBackend } from '../../packages/cloud/test/helpers/backends.js';
import { FerrySystem, type CloudNode } from './support/ferry-system.js';
import { syncedLabUser } from './support/synced-lab-user.js';

const newPassword = () =>
  `Pg${randomBytes(6).toString('hex')}!Qx-${randomBytes(3).toString('hex')}`;

describe('two cloud nodes on one PostgreSQL: operations reach an agent held by the other node', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let nodeA: CloudNode;
  let nodeB: CloudNode;
  let destroy: () => Promise<void>;

  before(async () => {
    lab = await openLab();
    const store = await postgresBackend.create();
    destroy = store.destroy;
    system = new FerrySystem({
      lab: lab.state,
      databaseUrl: store.databaseUrl!,
      operationTimeoutSeconds: 20,
    });
    nodeA = await system.startNode();
    nodeB = await system.startNode();
  });
  after(async () => {
    await system?.stop();
    await destroy?.();
    await lab?.close();
  });

  const verify = (sAMAccountName: string, password: string) =>
    lab
      .connector()
      .verifyCredentials({ by: 'sAMAccountName', value: sAMAccountName }, Secret.of(password));

  test('an admin reset submitted on node B is applied by the agent connected to node A', async () => {
    const agent = await system.addAgent({ node: nodeA });
    await system.waitForAgentStatus(agent.agentId, nodeB);
    const user = await syncedLabUser(lab, system);
    const password = newPassword();
    const answer = await nodeB.api.post(`/api/v1/users/${user.userId}/password`, { password });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal((await verify(user.account.sAMAccountName, password)).code, 'applied');
    assert.ok(
      !nodeB.process.output.some((line) => line.includes('agent gateway: agent online')),
      'the agent is not on node B',
    );
  });

  test('an AD refusal travels back across nodes intact', async () => {
    const user = await syncedLabUser(lab, system);
    const answer = await nodeB.api.post('/api/v1/self-service/password/change', {
      userPrincipalName: user.account.userPrincipalName,
      currentPassword: user.account.password,
      newPassword: newPassword(),
    });
    assert.equal(answer.json.error.code, 'policy_violation');
    assert.equal(answer.json.error.rules[0].rule, 'min_age');
  });

  test('the agent on node A dies mid-operation; an agent on node B takes over and applies it once', async () => {
    const first = system.agents.find((agent) => agent.process.child.exitCode === null)!;
    const user = await syncedLabUser(lab, system);
    const password = newPassword();
    first.process.freeze();
    const pending = nodeB.api.post(`/api/v1/users/${user.userId}/password`, { password });
    await system.waitForOperation(user.objectGUID);
    const second = await system.addAgent({ node: nodeB });
    await first.process.kill();
    const answer = await pending;
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal((await verify(user.account.sAMAccountName, password)).code, 'applied');
    const row = (await system.operationFor(user.objectGUID))!;
    assert.equal(row.agent_id, second.agentId);
    assert.equal(row.attempts, 1);
  });
});
