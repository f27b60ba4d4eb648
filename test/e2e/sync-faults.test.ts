import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { createSyncOus, type SyncOus } from '../../packages/agent/test/support/sync-ou.js';
import { writeReliabilitySection } from '../support/reliability-doc.js';
import { intFromEnv, seededRandom } from './faults/seeded-random.js';
import { eventually } from './support/eventually.js';
import { FerrySystem, type AgentHandle } from './support/ferry-system.js';

const SEED = intFromEnv('FERRY_FAULT_SEED', 20_261_203);
/** Agents killed with SIGKILL during sync (FERRY_FAULT_SYNC_KILLS raises it). */
const KILLS = intFromEnv('FERRY_FAULT_SYNC_KILLS', 3);
const RECORD = process.env['FERRY_FAULT_RECORD'] === '1';
const USERS = 16;
const BATCH_SIZE = 2;
/** Kill instants are drawn in [0, this) ms after the agent is online. */
const WINDOW_MS = 800;

interface SyncRun {
  readonly id: string;
  readonly status: string;
  readonly mode: string;
}

/**
 * kill -9 of the agent at seeded instants of its sync runs (a full import cut after any
 * batch, then deltas), with a user added in AD before each restart: once the agent runs
 * again, the cloud holds every user in scope exactly once.
 */
describe('fault suite: the agent killed with SIGKILL at seeded instants of sync', () => {
  let lab: LabFixture;
  let ous: SyncOus;
  let system: FerrySystem;
  const names = new Set<string>();

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
    for (let index = 0; index < USERS; index += 1) await addUser();
    system = new FerrySystem({ lab: lab.state, runtime: 'compiled' });
    await system.startNode();
  });
  after(async () => {
    await system?.stop();
    await ous?.remove();
    await lab?.close();
  });

  async function addUser(): Promise<void> {
    const user = await lab.newUser();
    await ous.place(user, ous.inA);
    names.add(user.sAMAccountName);
  }

  const runs = async (): Promise<SyncRun[]> =>
    (await system.api.get('/api/v1/sync/runs')).json.items;

  test(`${KILLS} kills mid-sync: no user lost, none duplicated`, async () => {
    const random = seededRandom(SEED);
    const env = {
      FERRY_AGENT_SYNC: 'true',
      FERRY_AGENT_SYNC_INCLUDE_OUS: ous.root,
      FERRY_AGENT_SYNC_BATCH_SIZE: String(BATCH_SIZE),
    };
    let agent: AgentHandle | undefined;
    const cut = new Set<string>();
    for (let kill = 0; kill < KILLS; kill += 1) {
      agent = agent ? await agent.restart() : await system.addAgent({ env });
      await sleep(random() * WINDOW_MS);
      await agent.process.kill();
      // A run the kill cut stays `running` until the next run marks it interrupted.
      for (const run of await runs()) if (run.status === 'running') cut.add(run.id);
      await addUser();
    }
    const last = await agent!.restart();

    const synced = await eventually(
      async () => {
        const users = (await system.api.get('/api/v1/users?limit=500')).json.users
          .filter((user: { source: string }) => user.source === 'synced')
          .map(
            (user: { onPremises: { samAccountName: string } }) => user.onPremises.samAccountName,
          );
        return users.length >= names.size && users.every((name: string) => names.has(name))
          ? users
          : undefined;
      },
      'every user in scope in the cloud',
      60_000,
    );
    assert.equal(synced.length, names.size, 'no user duplicated');
    assert.deepEqual(new Set(synced), names, 'no user lost');
    const all = await runs();
    assert.ok(all.some((run) => run.status === 'done'));
    assert.ok(last.process.child.exitCode === null, 'the agent runs on');

    // A long run (FERRY_FAULT_RECORD=1, the knob raised) records its figures.
    if (!RECORD) return;
    await writeReliabilitySection(
      'faults-sync',
      `## Faults: kill -9 during sync (written by \`test/e2e/sync-faults.test.ts\`)

Seed ${SEED}; ${USERS} users in scope at the start, batches of ${BATCH_SIZE}; the agent is
killed with SIGKILL at an instant drawn in [0, ${WINDOW_MS}) ms after it comes online, and one
user is added in AD before each restart. Kills from \`FERRY_FAULT_SYNC_KILLS\` (CI: 3), seed
from \`FERRY_FAULT_SEED\`; \`FERRY_FAULT_RECORD=1\` writes this section.

| Kills | Runs cut by a kill | Runs | Users in scope at the end | In the cloud | Lost | Duplicated |
| --- | --- | --- | --- | --- | --- | --- |
| ${KILLS} | ${cut.size} | ${all.length} (${all.filter((run) => run.status === 'interrupted').length} interrupted) | ${names.size} | ${synced.length} | **${[...names].filter((name) => !synced.includes(name)).length}** | **${synced.length - new Set(synced).size}** |
`,
    );
  });
});
