import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FaultCluster } from './faults/fault-cluster.js';
import { faultRound, pastEveryExpiry, type RoundPlan } from './faults/fault-rounds.js';
import { OperationLedger, type LedgerEntry } from './faults/operation-ledger.js';
import { restartPostgres } from './faults/postgres-restart.js';
import { intFromEnv, seededRandom } from './faults/seeded-random.js';
import { writeSystemFaultsSection, type ScenarioFigures } from './faults/system-faults-doc.js';

const SEED = intFromEnv('FERRY_FAULT_SEED', 20_261_203);
/** Rounds per scenario (each is one kill); the env knobs raise them for a long run. */
const AGENT_KILLS = intFromEnv('FERRY_FAULT_AGENT_KILLS', 2);
const NODE_KILLS = intFromEnv('FERRY_FAULT_NODE_KILLS', 1);
const DC_KILLS = intFromEnv('FERRY_FAULT_DC_KILLS', 1);
/** FERRY_FAULT_RECORD=1 writes this run's figures to docs/reliability.md. */
const RECORD = process.env['FERRY_FAULT_RECORD'] === '1';
const OPERATIONS = 4;
/**
 * Users the rounds take in turn: one whose last operation may still be in flight (its node
 * was killed, say) rests until that operation's expiry, while the next rounds use others.
 */
const USERS = 16;
/**
 * Fault instants are drawn in [0, window) ms after the round's resets are sent; the window is
 * 1.5 times an unfaulted round measured at the start (so instants fall before the claims,
 * during the LDAP writes, between a write and its result, and after), or FERRY_FAULT_WINDOW_MS.
 */
const WINDOW_OVERRIDE_MS = intFromEnv('FERRY_FAULT_WINDOW_MS', 0);
const TIMEOUT_SECONDS = 8;

/**
 * Issue 12's fault suite at the scale of whole processes: two cloud nodes on one PostgreSQL,
 * two agents (`ferry-agent run`) active-active, the lab DC. Admin resets are sent through
 * both nodes while one process is killed with SIGKILL (or stopped, or PostgreSQL restarted)
 * at a seeded instant. Every caller must get one definite answer (a caller whose node died
 * may lose its connection instead), no operation may move the unicodePwd write counter
 * twice or land after its expiry, an `applied` must be written, and the system must serve
 * again by itself once the process is back.
 */
describe('fault suite: whole processes killed during writeback (two nodes, two agents, lab DC)', () => {
  let cluster: FaultCluster;
  let ledger: OperationLedger;
  const random = seededRandom(SEED);
  const figures: ScenarioFigures[] = [];
  let nextUser = 0;
  let windowMs = WINDOW_OVERRIDE_MS;
  let calibratedMs = 0;
  /** Entries whose caller's node was killed under it: a lost connection is their answer. */
  const lostConnection = new Set<object>();

  before(async () => {
    cluster = await FaultCluster.start({ users: USERS, operationTimeoutSeconds: TIMEOUT_SECONDS });
    ledger = new OperationLedger(cluster, TIMEOUT_SECONDS * 1000);
    // An unfaulted round (the second: the first warms every path up) measures the writeback.
    for (let round = 0; round < 2; round += 1) {
      const started = performance.now();
      const entries = await Promise.all(
        nextUsers().map((user, index) =>
          ledger.reset('calibration', cluster.nodes[index % 2]!, index % 2, user),
        ),
      );
      calibratedMs = performance.now() - started;
      assert.deepEqual(
        entries.map((entry) => entry.answer),
        entries.map(() => 'applied'),
      );
    }
    if (!WINDOW_OVERRIDE_MS) windowMs = Math.round(calibratedMs * 1.5);
  });

  /** The next round's users, in turn through the pool. */
  function nextUsers() {
    const users = Array.from(
      { length: OPERATIONS },
      (_, index) => cluster.users[(nextUser + index) % cluster.users.length]!,
    );
    nextUser += OPERATIONS;
    return users;
  }
  after(async () => {
    // A long run (the knobs raised) records its figures; CI's short runs leave the page alone.
    if (RECORD && figures.length > 0) {
      await writeSystemFaultsSection(figures, {
        seed: SEED,
        operations: OPERATIONS,
        users: USERS,
        windowMs,
        calibratedMs: Math.round(calibratedMs),
        timeoutSeconds: TIMEOUT_SECONDS,
        runtime: typeof cluster.system.runtime === 'string' ? cluster.system.runtime : 'installed',
      });
    }
    await cluster?.stop();
  });

  /** Runs a scenario's rounds, then checks every answer and write once all have expired. */
  async function scenario(
    name: string,
    rounds: number,
    plan: (round: number) => Omit<RoundPlan, 'scenario' | 'operations' | 'faultAfterMs'>,
    killedNode: (round: number) => number | undefined = () => undefined,
  ): Promise<void> {
    let midWriteback = 0;
    let claimedAtFault = 0;
    const phases = { beforeClaim: 0, claimed: 0, ended: 0 };
    for (let round = 0; round < rounds; round += 1) {
      const result = await faultRound(
        cluster,
        ledger,
        {
          scenario: name,
          operations: OPERATIONS,
          faultAfterMs: random() * windowMs,
          ...plan(round),
        },
        nextUsers(),
      );
      if (result.midWriteback) midWriteback += 1;
      if (result.phases.claimed > 0) claimedAtFault += 1;
      phases.beforeClaim += result.phases.beforeClaim;
      phases.claimed += result.phases.claimed;
      phases.ended += result.phases.ended;
      const dead = killedNode(round);
      for (const entry of result.entries) if (entry.node === dead) lostConnection.add(entry);
    }
    await pastEveryExpiry(cluster);
    await ledger.settle();
    const mayLoseConnection = (entry: LedgerEntry) => lostConnection.has(entry);
    const violations = ledger.violations(mayLoseConnection);
    figures.push({
      name,
      rounds,
      midWriteback,
      claimedAtFault,
      phases,
      ledger,
      tally: ledger.tally(name, mayLoseConnection),
    });
    assert.deepEqual(violations, []);
    // The system serves again by itself: one more reset through each node is applied.
    for (const [index, node] of cluster.nodes.entries()) {
      const entry = await ledger.reset(`${name} (after)`, node, index, cluster.users[index]!);
      assert.equal(entry.answer, 'applied', `node ${index} after ${name}`);
    }
  }

  test(`${AGENT_KILLS} agents (ferry-agent run) killed with SIGKILL mid-writeback`, async () => {
    await scenario('agent killed', AGENT_KILLS, () => {
      const victim = random() < 0.5 ? 0 : 1;
      return {
        fault: () => cluster.killAgent(victim),
        recover: async () => {
          await cluster.restartAgent(victim);
          await cluster.settled();
        },
      };
    });
  });

  test(`${NODE_KILLS} cloud nodes killed with SIGKILL mid-writeback`, async () => {
    const victims: number[] = [];
    await scenario(
      'cloud node killed',
      NODE_KILLS,
      (round) => {
        victims[round] = random() < 0.5 ? 0 : 1;
        return {
          fault: () => cluster.killNode(victims[round]!),
          recover: async () => {
            await cluster.restartNode(victims[round]!);
            await cluster.settled();
          },
        };
      },
      (round) => victims[round],
    );
  });

  test(`the DC (samba) killed with SIGKILL ${DC_KILLS} times mid-writeback`, async () => {
    await scenario('DC killed', DC_KILLS, () => ({
      fault: async () => cluster.killDc(),
      recover: () => cluster.restartDc(),
    }));
  });

  test(
    'one agent cut off (SIGSTOP) mid-writeback, woken after the others answered',
    {
      todo: 'open bug (issue 12): an agent stopped between its expiry check and its LDAP write writes after expiry when woken; found 2026-12-03',
    },
    async () => {
      await scenario('agent stopped', 1, () => {
        const victim = random() < 0.5 ? 0 : 1;
        return {
          fault: async () => cluster.agents[victim]!.process.freeze(),
          recover: async () => {
            cluster.agents[victim]!.process.thaw();
            await cluster.settled();
          },
        };
      });
    },
  );

  // Both nodes once died here: the end of a hold, written in the background, failed while
  // PostgreSQL restarted and its rejection went unhandled (fixed: store steps are repeated
  // while it is away, see store-unreachable.ts).
  test('PostgreSQL restarted (pg_ctl restart -m immediate) under writeback', async () => {
    await scenario('PostgreSQL restarted', 1, () => ({
      fault: () => restartPostgres(),
      recover: () => cluster.settled(),
    }));
  });
});
