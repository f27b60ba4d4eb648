import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { passwordWriteCount, type LabAccount } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { writeReliabilitySection } from '../support/reliability-doc.js';
import { intFromEnv, seededRandom } from './faults/seeded-random.js';
import { bundleWriter, WriterProcess } from './faults/writer-process.js';

const SEED = intFromEnv('FERRY_FAULT_SEED', 20_261_203);
/** Agent write paths killed mid-write (FERRY_FAULT_WRITER_KILLS raises it). */
const WRITER_KILLS = intFromEnv('FERRY_FAULT_WRITER_KILLS', 300);
const LANES = 4;
/** Kill and retry points are drawn in [0, this) ms after the victim starts sending. */
const WINDOW_MS = 60;

interface WriterRound {
  readonly killedMidWrite: boolean;
  readonly victimAnswered: string | undefined;
  readonly survivor: string;
  readonly writes: number;
  readonly expiredRetry: boolean;
  readonly victimPasswordInForce: boolean | undefined;
}

/**
 * Issue 12's failure, on purpose and hundreds of times: two agents' write paths (separate
 * processes, the real connector, the lab DC) hold the same operation, both looked the user up
 * before either wrote; the first is killed with SIGKILL at a seeded instant of its write and
 * the second writes at another. The unicodePwd write counter must move exactly once, and the
 * second must answer `applied`. A seeded share of the retries come after the operation's
 * expiry: they must send nothing, and say `expired` only when nothing landed.
 */
describe('fault suite: kill -9 at seeded points of writeback (lab DC)', () => {
  let lab: LabFixture;
  let bundle: string;
  const rounds: WriterRound[] = [];

  before(async () => {
    lab = await openLab();
    bundle = await bundleWriter();
  });
  after(async () => lab?.close());

  test(`${WRITER_KILLS} agents killed mid-write: every operation written at most once`, async () => {
    const random = seededRandom(SEED);
    const users: LabAccount[] = [];
    for (let lane = 0; lane < LANES; lane += 1) users.push(await lab.newUser());
    const survivor = await WriterProcess.start(bundle);
    const checker = lab.connector();
    // The next victims start while the current ones write (a process start is the slow part).
    let spare = Array.from({ length: LANES }, () => WriterProcess.start(bundle));
    const writes = (user: LabAccount) => passwordWriteCount(lab.admin, user.dn);
    const killed = () => rounds.filter((round) => round.killedMidWrite).length;
    const maxRounds = WRITER_KILLS * 3 + 10;
    try {
      while (killed() < WRITER_KILLS && rounds.length < maxRounds) {
        const victims = await Promise.all(spare);
        spare = Array.from({ length: LANES }, () => WriterProcess.start(bundle));
        const plans = users.map(() => ({
          killAfter: random() * WINDOW_MS,
          retryAfter: random() * WINDOW_MS,
          expiredRetry: random() < 0.1,
        }));
        const results = await Promise.all(
          users.map(async (user, lane) => {
            const victim = victims[lane]!;
            const plan = plans[lane]!;
            const job = randomUUID();
            await Promise.all([
              victim.look(job, user.sAMAccountName),
              survivor.look(job, user.sAMAccountName),
            ]);
            const before = await writes(user);
            const operationId = randomUUID();
            const notAfter = new Date(Date.now() + 30_000).toISOString();
            const password = `Fk9!${randomUUID().slice(0, 12)}`;
            const first = victim.write({
              job,
              operationId,
              notAfter,
              password,
              afterLostAttempt: false,
            });
            let victimAnswered: string | undefined;
            void first.outcome.then((code) => {
              if (code !== 'exited') victimAnswered = code;
            });
            await first.sending;
            const [killedMidWrite, survivorCode] = await Promise.all([
              (async () => {
                await sleep(plan.killAfter);
                const midWrite = victimAnswered === undefined;
                await victim.kill();
                return midWrite;
              })(),
              (async () => {
                await sleep(plan.retryAfter);
                const { outcome } = survivor.write({
                  job,
                  operationId,
                  notAfter: plan.expiredRetry ? new Date(0).toISOString() : notAfter,
                  // After expiry a different password: AD then tells whose write landed.
                  password: plan.expiredRetry ? `Lt8!${randomUUID().slice(0, 12)}` : password,
                  afterLostAttempt: true,
                });
                return outcome;
              })(),
            ]);
            const written = (await writes(user)) - before;
            return {
              killedMidWrite,
              victimAnswered,
              survivor: survivorCode,
              writes: written,
              expiredRetry: plan.expiredRetry,
              // Whose write landed, when the retry came after expiry.
              victimPasswordInForce:
                plan.expiredRetry && written === 1
                  ? (
                      await checker.verifyCredentials(
                        { by: 'sAMAccountName', value: user.sAMAccountName },
                        Secret.of(password),
                      )
                    ).code === 'applied'
                  : undefined,
            };
          }),
        );
        rounds.push(...results);
      }
    } finally {
      await Promise.all([survivor.stop(), ...(await Promise.all(spare)).map((w) => w.stop())]);
    }

    const twice = rounds.filter((round) => round.writes > 1);
    assert.deepEqual(twice, [], 'an operation written twice');
    for (const round of rounds) {
      if (!round.expiredRetry) {
        // In time, the retry always completes the operation, whoever's write landed.
        assert.equal(round.survivor, 'applied', JSON.stringify(round));
        assert.equal(round.writes, 1, JSON.stringify(round));
      } else {
        // After expiry the retry sends nothing: applied when the killed attempt's write is in
        // the marker, else "may have been applied" (it may still land) — never "expired".
        assert.ok(['applied', 'outcome_unknown'].includes(round.survivor), JSON.stringify(round));
        if (round.survivor === 'applied') assert.equal(round.writes, 1, JSON.stringify(round));
        if (round.writes === 1)
          assert.equal(round.victimPasswordInForce, true, JSON.stringify(round));
      }
      if (round.victimAnswered !== undefined) {
        assert.equal(round.victimAnswered, 'applied', JSON.stringify(round));
      }
    }
    assert.ok(killed() >= WRITER_KILLS, `only ${killed()} kills landed mid-write`);

    const landedByVictim = rounds.filter(
      (round) => round.killedMidWrite && round.writes === 1 && round.expiredRetry,
    ).length;
    await writeReliabilitySection(
      'faults',
      `## Faults: kill -9 during writeback (written by \`test/e2e/writeback-faults.test.ts\`)

Seed ${SEED}; ${LANES} users written in parallel; kill and retry instants drawn in
[0, ${WINDOW_MS}) ms after the first writer starts sending; 10 % of retries after expiry.
Environment: the Samba AD lab DC (one DC) on 127.0.0.1, the same 2-core machine as the writers.

| Scenario | Parameters | Result |
| --- | --- | --- |
| Agent write path killed mid-write (SIGKILL), a second agent retries from a lookup made before the kill | ${rounds.length} operations, ${killed()} kills mid-write | double writes: **${twice.length}**; operations lost: **${rounds.filter((r) => !r.expiredRetry && r.writes !== 1).length}**; retries answering \`applied\`: ${rounds.filter((r) => r.survivor === 'applied').length} |
| Retry after expiry | ${rounds.filter((r) => r.expiredRetry).length} operations | wrote nothing (the password in force is the killed writer's whenever one landed: ${landedByVictim}); answered \`applied\` ${rounds.filter((r) => r.expiredRetry && r.survivor === 'applied').length}, \`outcome_unknown\` ${rounds.filter((r) => r.expiredRetry && r.survivor === 'outcome_unknown').length}, never \`expired\` |
`,
    );
  });
});
