import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { FerrySystem, type AgentHandle } from './support/ferry-system.js';
import { syncedLabUser } from './support/synced-lab-user.js';

/** The cloud key the agent has pinned, from its state folder. */
function pinnedKey(agent: AgentHandle): Record<string, unknown> {
  const identity = JSON.parse(readFileSync(path.join(agent.stateDir, 'identity.json'), 'utf8')) as {
    cloudSigningKey: Record<string, unknown>;
  };
  return identity.cloudSigningKey;
}

const publicPart = (key: Record<string, unknown>) => ({
  kty: key['kty'],
  crv: key['crv'],
  x: key['x'],
});

/**
 * The cloud's operation-signing key rotates (issue 13, item 10): the new key is endorsed by
 * the old one, an online agent re-pins at once, an agent that was offline follows the chain
 * when it reconnects, and operations signed with the new key are applied.
 */
describe('cloud signing key rotation with a real agent', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let agent: AgentHandle;

  before(async () => {
    lab = await openLab();
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
    agent = await system.addAgent();
  });
  after(async () => {
    await system?.stop();
    await lab?.close();
  });

  async function resetWorks(password: string): Promise<void> {
    const user = await syncedLabUser(lab, system);
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, { password });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
  }

  test('an online agent re-pins the new key and applies operations signed with it', async () => {
    const before = pinnedKey(agent);
    const rotated = await system.api.post('/api/v1/cloud-signing-key/rotate');
    assert.equal(rotated.status, 200, JSON.stringify(rotated.json));
    assert.equal(rotated.json.endorsements, 1);
    assert.equal(rotated.json.key.d, undefined, 'the private half never leaves');
    await agent.process.waitFor(/cloud signing key re-pinned/);
    assert.deepEqual(publicPart(pinnedKey(agent)), publicPart(rotated.json.key));
    assert.notDeepEqual(publicPart(pinnedKey(agent)), publicPart(before));
    await resetWorks('R0tated-Cl0ud!-k1');
  });

  test('an agent offline through two rotations follows the chain when it reconnects', async () => {
    await agent.process.stop();
    await system.api.post('/api/v1/cloud-signing-key/rotate');
    const last = await system.api.post('/api/v1/cloud-signing-key/rotate');
    assert.equal(last.json.endorsements, 3);
    agent = await agent.restart();
    await agent.process.waitFor(/cloud signing key re-pinned/);
    assert.deepEqual(publicPart(pinnedKey(agent)), publicPart(last.json.key));
    await system.waitForAgentStatus(agent.agentId);
    await resetWorks('Ch4ined-Cl0ud!-k3');
  });
});
