import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncCursor } from '@ferry/protocol';
import { parseSyncConfig } from './sync-config.js';
import type { SyncRunResult } from './sync-run.js';
import { runUsnProbe, type Sleep } from './usn-probe.js';
import { watchChanges, type WatchTrigger } from './watch-changes.js';

/** A timer that never waits: each sleep is recorded and returns on the next turn. */
function instantSleep(log: number[]): Sleep {
  return (ms, signal) => {
    log.push(ms);
    return new Promise((resolve) => setImmediate(() => resolve(!signal.aborted)));
  };
}

test('the probe reports a USN past the cursor once, and ignores the ones it already reported', async () => {
  const usns = [10n, 10n, 12n, 12n, 13n];
  const reported: bigint[] = [];
  const slept: number[] = [];
  const controller = new AbortController();
  await runUsnProbe(
    {
      readUsn: async () => {
        const next = usns.shift();
        if (usns.length === 0) controller.abort();
        return next!;
      },
      known: () => 10n,
      onAhead: (usn) => reported.push(usn),
      intervalMs: 250,
      sleep: instantSleep(slept),
    },
    controller.signal,
  );
  assert.deepEqual(reported, [12n, 13n]);
  assert.ok(slept.every((ms) => ms === 250));
});

test('the probe slows down while the DC does not answer, and speeds up when it does', async () => {
  let calls = 0;
  const slept: number[] = [];
  const controller = new AbortController();
  await runUsnProbe(
    {
      readUsn: async () => {
        calls += 1;
        if (calls === 5) controller.abort();
        if (calls <= 3) throw new Error('ECONNREFUSED');
        return 1n;
      },
      known: () => 1n,
      onAhead: () => assert.fail('nothing moved'),
      intervalMs: 100,
      sleep: instantSleep(slept),
    },
    controller.signal,
  );
  assert.deepEqual(slept, [100, 200, 400, 800, 100, 100]);
});

test(
  'a USN change wakes the watch loop at once, long before the poll interval',
  { timeout: 30_000 },
  async () => {
    // Polls are an hour apart and notification is off: only the probe can start the second delta.
    const config = parseSyncConfig({
      notification: false,
      pollIntervalMs: 3_600_000,
      safetyPollMs: 3_600_000,
      usnPollMs: 250,
    });
    let dcUsn = 100n;
    const runs: WatchTrigger[] = [];
    const controller = new AbortController();
    const cursorAt = (usn: bigint): SyncCursor => ({ invocationId: 'dc', usn: String(usn) });
    const slept: number[] = [];
    let probes = 0;
    const done = watchChanges(
      {
        config,
        directory: undefined,
        baseDn: async () => 'DC=corp',
        notificationAdvertised: async () => false,
        delta: async (from) =>
          ({ fromCursor: from, toCursor: cursorAt(dcUsn) }) as unknown as SyncRunResult,
        readUsn: async () => {
          probes += 1;
          if (probes === 3) dcUsn = 101n; // an admin changed something in AD
          return dcUsn;
        },
        sleep: instantSleep(slept),
      },
      cursorAt(100n),
      controller.signal,
      {
        onRun: (result, trigger) => {
          runs.push(trigger);
          if (runs.length === 2) controller.abort();
        },
      },
    );
    const last = await done;
    assert.deepEqual(runs, ['start', 'usn']);
    assert.equal(last.usn, '101');
    assert.ok(
      slept.every((ms) => ms === 250),
      'only the probe slept',
    );
  },
);

test('usnPollMs is 0 (off) or at least 50 ms', () => {
  assert.equal(parseSyncConfig({}).usnPollMs, 250);
  assert.equal(parseSyncConfig({ usnPollMs: 0 }).usnPollMs, 0);
  assert.throws(() => parseSyncConfig({ usnPollMs: 10 }));
});
