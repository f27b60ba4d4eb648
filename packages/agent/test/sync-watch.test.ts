import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { replace } from '@ferry/lab';
import type { SyncBatch, SyncCursor } from '@ferry/protocol';
import { SyncReader, type SyncConfigInput, type WatchTrigger } from '../src/sync/index.js';
import { openLab, type LabFixture } from './support/lab.js';
import { createSyncOus, labDirectoryConfig, type SyncOus } from './support/sync-ou.js';

/** Generous: Samba re-evaluates notification searches every few seconds. */
const ARRIVAL_TIMEOUT_MS = 30_000;

describe('sync watch: a change in AD reaches the sink without anyone asking (real Samba AD DC)', () => {
  let lab: LabFixture;
  let ous: SyncOus;

  before(async () => {
    lab = await openLab();
    ous = await createSyncOus(lab);
  });
  after(async () => {
    await ous.remove();
    await lab.close();
  });

  /**
   * Starts watching, makes the change once the first (catch-up) run is done, and resolves
   * with the trigger of the run that delivered the expected displayName.
   */
  async function deliver(config: SyncConfigInput): Promise<{
    trigger: WatchTrigger;
    notification: boolean[];
  }> {
    const account = await lab.newUser();
    const dn = await ous.place(account, ous.inA);
    const reader = new SyncReader(
      lab.connector(),
      { includeOus: [ous.root], ...config },
      { directory: await labDirectoryConfig() },
    );
    const start: SyncCursor = (await reader.preview(null)).result.toCursor;
    const wanted = `Watched ${Date.now()}`;
    const controller = new AbortController();
    const notification: boolean[] = [];
    let changed = false;
    let arrived: ((trigger: WatchTrigger) => void) | undefined;
    const delivered = new Promise<WatchTrigger>((resolve) => (arrived = resolve));
    let seen = false;
    const sink = async (batch: SyncBatch): Promise<void> => {
      if (batch.upserts.some((user) => user.displayName === wanted)) seen = true;
    };
    const watching = reader.watch(start, sink, controller.signal, {
      onNotificationState: (active) => notification.push(active),
      onRun: (_result, trigger) => {
        if (seen) arrived?.(trigger);
        if (!changed) {
          changed = true;
          void lab.admin.modify(dn, [replace('displayName', [wanted])]);
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no delivery within ${ARRIVAL_TIMEOUT_MS} ms`)),
        ARRIVAL_TIMEOUT_MS,
      );
    });
    try {
      const trigger = await Promise.race([delivered, timeout, watching.then(() => timeout)]);
      return { trigger, notification };
    } finally {
      clearTimeout(timer);
      controller.abort();
      const last = await watching;
      assert.match(last.usn, /^\d+$/);
    }
  }

  test('change notification (LDAP_SERVER_NOTIFICATION) wakes the reader', async () => {
    // Polling far beyond the wait: only a notification can deliver in time.
    const { trigger, notification } = await deliver({
      notification: true,
      safetyPollMs: 3_600_000,
      usnPollMs: 0,
    });
    assert.equal(trigger, 'notification');
    assert.deepEqual(notification, [true]);
  });

  test('polling delivers when notification is off', async () => {
    const { trigger, notification } = await deliver({
      notification: false,
      pollIntervalMs: 250,
      usnPollMs: 0,
    });
    assert.equal(trigger, 'poll');
    assert.deepEqual(notification, []);
  });

  test("the USN probe (rootDSE highestCommittedUSN) wakes the reader on the DC's next commit", async () => {
    // No notification and an hour between polls: only the probe can deliver in time.
    const { trigger, notification } = await deliver({
      notification: false,
      pollIntervalMs: 3_600_000,
      usnPollMs: 100,
    });
    assert.equal(trigger, 'usn');
    assert.deepEqual(notification, []);
  });
});
