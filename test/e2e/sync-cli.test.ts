import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startProcess } from '../../scripts/support/processes.js';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { createSyncOus, type SyncOus } from '../../packages/agent/test/support/sync-ou.js';
import { eventually } from './support/eventually.js';
import { FerrySystem, type AgentHandle } from './support/ferry-system.js';

/** Runs `ferry-agent <args>` against a running agent's state folder, as an operator would. */
async function agentCli(
  agent: AgentHandle,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const cli = startProcess('packages/agent/src/cli/main.ts', args, {
    FERRY_AGENT_STATE_DIR: agent.stateDir,
  });
  const code = await new Promise<number | null>((resolve) =>
    cli.child.once('exit', (exitCode) => resolve(exitCode)),
  );
  return { code, output: cli.output.join('\n') };
}

describe('agent CLI: sync status, sync now, sync preview against running agents', () => {
  let lab: LabFixture;
  let ous: SyncOus;
  let system: FerrySystem;
  let leader: AgentHandle;
  let follower: AgentHandle;

  const cloudSamNames = async (): Promise<Set<string>> => {
    const { json } = await system.api.get('/api/v1/users?limit=500');
    return new Set(
      json.users
        .filter((user: { source: string }) => user.source === 'synced')
        .map((user: { onPremises: { samAccountName: string } }) => user.onPremises.samAccountName),
    );
  };
  const placeNewUser = async (ou: string) => {
    const user = await lab.newUser();
    await ous.place(user, ou);
    return user;
  };

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
    await placeNewUser(ous.inA);
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
    // The leader syncs OU A only; the follower is configured for the whole tree (a scope
    // change an admin wants to stage before making it).
    leader = await system.addAgent({
      env: { FERRY_AGENT_SYNC: 'true', FERRY_AGENT_SYNC_INCLUDE_OUS: ous.inA },
    });
    await eventually(async () => {
      const status = (await system.api.get('/api/v1/sync/status')).json;
      return status.leaderAgentId === leader.agentId && status.cursor ? true : undefined;
    }, 'the leader to finish its first import');
    follower = await system.addAgent({
      env: { FERRY_AGENT_SYNC: 'true', FERRY_AGENT_SYNC_INCLUDE_OUS: ous.root },
    });
  });
  after(async () => {
    await system?.stop();
    await ous?.remove();
    await lab?.close();
  });

  test('sync status tells the leader from the follower', async () => {
    const leading = await agentCli(leader, ['sync', 'status']);
    assert.equal(leading.code, 0, leading.output);
    assert.match(leading.output, /this agent leads/);
    assert.match(leading.output, /cursor: USN \d+/);
    const following = await agentCli(follower, ['sync', 'status']);
    assert.match(following.output, /another agent leads/);
  });

  test('sync now runs on the leader and returns once the change is in the cloud', async () => {
    const user = await placeNewUser(ous.inA);
    const run = await agentCli(leader, ['sync', 'now']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /sync applied: \d+ users written/);
    // No waiting here: the command returned after the cloud applied the run.
    assert.ok((await cloudSamNames()).has(user.sAMAccountName));

    const full = await agentCli(leader, ['sync', 'now', '--full']);
    assert.equal(full.code, 0, full.output);
    assert.match(full.output, /full sync applied: [1-9]\d* users written/);
    assert.match(full.output, /full import {2}/, 'the progress line is printed');
  });

  test('sync now on a follower says which agent to ask, with a non-zero exit', async () => {
    const answer = await agentCli(follower, ['sync', 'now']);
    assert.equal(answer.code, 1);
    assert.match(answer.output, /error \[not_leader\]/);
  });

  test('sync preview stages a wider scope: it lists the users it would add and applies nothing', async () => {
    const newcomer = await placeNewUser(ous.inB);
    const known = await cloudSamNames();
    const preview = await agentCli(follower, ['sync', 'preview', '--json']);
    assert.equal(preview.code, 0, preview.output);
    const event = JSON.parse(preview.output.slice(preview.output.indexOf('{')));
    assert.equal(event.type, 'preview');
    assert.equal(event.changes.added, 1);
    assert.ok(event.changes.examples.added[0].startsWith(newcomer.sAMAccountName));
    assert.equal(event.changes.unchanged, known.size);
    assert.equal(event.changes.deleted, 0);
    assert.equal((await cloudSamNames()).has(newcomer.sAMAccountName), false, 'nothing applied');
  });

  test('bad input: an unknown action and a stray flag are usage errors; no agent, a clear error', async () => {
    const unknown = await agentCli(leader, ['sync', 'sideways']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.output, /unknown sync action "sideways"/);
    const stray = await agentCli(leader, ['sync', 'status', '--full']);
    assert.equal(stray.code, 2);
    const nowhere = await agentCli({ ...leader, stateDir: '/nonexistent-ferry-state' }, [
      'sync',
      'status',
    ]);
    assert.equal(nowhere.code, 1);
    assert.match(nowhere.output, /error \[agent_not_running\]/);
  });
});
