import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { replace } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { createSyncOus, type SyncOus } from '../../packages/agent/test/support/sync-ou.js';
import { eventually } from './support/eventually.js';
import { FerrySystem, type AgentHandle } from './support/ferry-system.js';

describe('sync end to end: AD changes reach the cloud directory through the leading agent', () => {
  let lab: LabFixture;
  let ous: SyncOus;
  let system: FerrySystem;
  let agentA: AgentHandle;
  const syncEnv = (): NodeJS.ProcessEnv => ({
    FERRY_AGENT_SYNC: 'true',
    FERRY_AGENT_SYNC_INCLUDE_OUS: ous.root,
  });

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
  });
  after(async () => {
    await system?.stop();
    await ous?.remove();
    await lab?.close();
  });

  /** The cloud's synced users, by sAMAccountName. */
  async function cloudUsers(): Promise<
    Map<string, { id: string; displayName: string; source: string; upn: string }>
  > {
    const { json } = await system.api.get('/api/v1/users?limit=500');
    const users = new Map<
      string,
      { id: string; displayName: string; source: string; upn: string }
    >();
    for (const user of json.users)
      if (user.onPremises) users.set(user.onPremises.samAccountName, user);
    return users;
  }

  async function inScopeUser(ou: string, displayName?: string) {
    const user = await lab.newUser();
    const dn = await ous.place(user, ou);
    if (displayName) await lab.admin.modify(dn, [replace('displayName', [displayName])]);
    return { ...user, dn };
  }

  test('full import: the users in scope appear, a cloud-only twin is soft-matched', async () => {
    const alpha = await inScopeUser(ous.inA, 'Alpha One');
    const beta = await inScopeUser(ous.inB, 'Beta Two');
    const outside = await inScopeUser(ous.out);
    // A cloud-only account with the UPN of a directory user becomes that user.
    const twin = await inScopeUser(ous.inA, 'Twin Three');
    const created = await system.api.post('/api/v1/users', {
      upn: twin.userPrincipalName,
      displayName: 'Twin (cloud)',
      password: 'Cl0ud-Only!pw-77',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    void outside;
    agentA = await system.addAgent({
      env: { ...syncEnv(), FERRY_AGENT_SYNC_EXCLUDE_OUS: ous.out },
    });
    const users = await eventually(async () => {
      const found = await cloudUsers();
      return found.has(alpha.sAMAccountName) &&
        found.has(beta.sAMAccountName) &&
        found.get(twin.sAMAccountName)?.source === 'synced'
        ? found
        : undefined;
    }, 'the full import');
    assert.equal(users.get(alpha.sAMAccountName)?.displayName, 'Alpha One');
    assert.equal(users.has(outside.sAMAccountName), false, 'an excluded OU stays out');
    assert.equal(
      users.get(twin.sAMAccountName)?.id,
      created.json.id,
      'soft match keeps the cloud account',
    );
    const runs = (await system.api.get('/api/v1/sync/runs')).json.items;
    assert.ok(
      runs.some(
        (run: { mode: string; status: string; softMatched: number }) =>
          run.mode === 'full' && run.status === 'done' && run.softMatched === 1,
      ),
    );
    const status = (await system.api.get('/api/v1/sync/status')).json;
    assert.equal(status.leaderAgentId, agentA.agentId);
    assert.ok(status.cursor?.usn);
  });

  test('a change in AD reaches the cloud within seconds; a new user too', async () => {
    const users = await cloudUsers();
    const [name] = [...users.keys()];
    const dn = `CN=${name},${ous.inA}`;
    const target = (
      await lab.admin.search(dn, { scope: 'base', attributes: ['dn'] }).catch(() => undefined)
    )?.searchEntries.length
      ? dn
      : `CN=${name},${ous.inB}`;
    await lab.admin.modify(target, [replace('displayName', ['Renamed In AD'])]);
    const fresh = await inScopeUser(ous.inB, 'Fresh Four');
    await eventually(async () => {
      const now = await cloudUsers();
      return now.get(name!)?.displayName === 'Renamed In AD' && now.has(fresh.sAMAccountName)
        ? true
        : undefined;
    }, 'the delta');
    // Read by the list of USNs since the cursor (index lookups), not a uSNChanged range,
    // which Samba answers by scanning the domain: at 11,000 users that kept a change out of
    // the cloud for over 30 s on a busy DC.
    const applied = agentA.process.output
      .filter((line) => line.includes('"msg":"sync: run applied"'))
      .map((line) => JSON.parse(line) as { mode: string; usnLookup: string | null });
    assert.ok(
      applied.some((run) => run.mode === 'delta'),
      'a delta applied the changes',
    );
    assert.deepEqual(
      [...new Set(applied.filter((run) => run.mode === 'delta').map((run) => run.usnLookup))],
      ['usn_list'],
    );
  });

  test('a password reset through the cloud works on a user the sync brought in', async () => {
    const users = await cloudUsers();
    const [name, user] = [...users.entries()].find(
      ([, candidate]) => candidate.displayName === 'Fresh Four',
    )!;
    const answer = await system.api.post(`/api/v1/users/${user.id}/password`, {
      password: 'Synced!Reset-7Qx',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const verified = await lab
      .connector()
      .verifyCredentials({ by: 'sAMAccountName', value: name }, Secret.of('Synced!Reset-7Qx'));
    assert.equal(verified.code, 'applied');
  });

  test('deletes over the threshold wait for an admin; confirmed, they are applied', async () => {
    assert.equal(
      (await system.api.put('/api/v1/sync/settings', { deleteThreshold: 1 })).status,
      200,
    );
    const doomed = [await inScopeUser(ous.inB), await inScopeUser(ous.inB)];
    await eventually(async () => {
      const now = await cloudUsers();
      return doomed.every((user) => now.has(user.sAMAccountName)) ? true : undefined;
    }, 'the new users');
    // The leader is paused while both go, so one delta reads both deletes: a delta now
    // follows each commit within a USN probe (250 ms), and would otherwise read one at a time.
    agentA.process.child.kill('SIGSTOP');
    try {
      for (const user of doomed) await lab.admin.del(user.dn);
    } finally {
      agentA.process.child.kill('SIGCONT');
    }
    const held = await eventually(async () => {
      const runs = (await system.api.get('/api/v1/sync/runs')).json.items;
      return runs.find((run: { status: string }) => run.status === 'awaiting_confirmation');
    }, 'a held run');
    assert.equal(held.pendingDeletes, 2);
    const still = await cloudUsers();
    assert.ok(
      doomed.every((user) => still.has(user.sAMAccountName)),
      'nothing deleted before confirmation',
    );
    assert.equal((await system.api.post('/api/v1/sync/confirm-deletes', { count: 2 })).status, 202);
    await eventually(async () => {
      const now = await cloudUsers();
      return doomed.every((user) => !now.has(user.sAMAccountName)) ? true : undefined;
    }, 'the confirmed deletes');
    await system.api.put('/api/v1/sync/settings', { deleteThreshold: 500 });
  });

  test('leader failover: with the leader gone, the other agent takes over and keeps syncing', async () => {
    const agentB = await system.addAgent({ env: syncEnv() });
    assert.equal((await system.api.get('/api/v1/sync/status')).json.leaderAgentId, agentA.agentId);
    await agentA.process.kill();
    await eventually(async () => {
      const status = (await system.api.get('/api/v1/sync/status')).json;
      return status.leaderAgentId === agentB.agentId ? true : undefined;
    }, 'agent B to lead');
    const late = await inScopeUser(ous.inA, 'After Failover');
    await eventually(
      async () => ((await cloudUsers()).has(late.sAMAccountName) ? true : undefined),
      'the change after failover',
    );
  });
});
