import type { SyncCursor } from '@ferry/protocol';
import {
  DirectoryUnreachableError,
  isConnectionFailure,
  type DirectoryConfig,
} from '../directory/index.js';
import { NotificationListener } from './notification-listener.js';
import type { SyncConfig } from './sync-config.js';
import type { SyncRunOptions, SyncRunResult } from './sync-run.js';
import { runUsnProbe, type Sleep } from './usn-probe.js';
import { Wakeup } from './wakeup.js';

/** After the notification search broke, try to set it up again this often. */
const NOTIFICATION_RETRY_MS = 30_000;
/** Longest wait between attempts while the directory cannot be reached. */
const MAX_RETRY_MS = 60_000;

export type WatchTrigger = 'start' | 'notification' | 'usn' | 'poll';

export interface WatchOptions extends SyncRunOptions {
  /** Told after every run, with what woke it (for status reports and tests). */
  readonly onRun?: (result: SyncRunResult, trigger: WatchTrigger) => void;
  /** Told when change notification starts working or stops (then polling takes over). */
  readonly onNotificationState?: (active: boolean, error?: Error) => void;
  /** Told when a run failed because no DC could be reached; the loop retries with backoff. */
  readonly onDirectoryError?: (error: Error) => void;
}

export interface WatchDeps {
  readonly config: SyncConfig;
  readonly directory: DirectoryConfig | undefined;
  readonly baseDn: () => Promise<string>;
  readonly notificationAdvertised: () => Promise<boolean>;
  readonly delta: (cursor: SyncCursor) => Promise<SyncRunResult>;
  /** The DC's highestCommittedUSN now, for the probe between deltas (config.usnPollMs). */
  readonly readUsn?: () => Promise<bigint>;
  /** The probe's timer; tests inject one. */
  readonly sleep?: Sleep;
}

/**
 * The near-real-time loop: a delta at once, then one after each (debounced) change
 * notification, or as soon as the USN probe sees the DC's highestCommittedUSN pass the
 * cursor, or every poll interval when notification is off, not advertised, or broken; with
 * notification working, a delta still runs every `safetyPollMs`.
 */
export async function watchChanges(
  deps: WatchDeps,
  start: SyncCursor,
  signal: AbortSignal,
  options: WatchOptions,
): Promise<SyncCursor> {
  const { config } = deps;
  const wakeup = new Wakeup();
  let listener: NotificationListener | undefined;
  let lastAttempt = -Infinity;
  let debounce: NodeJS.Timeout | undefined;

  const onChange = (): void => {
    debounce ??= setTimeout(() => {
      debounce = undefined;
      wakeup.notify();
    }, config.debounceMs);
  };
  const ensureListener = async (): Promise<void> => {
    if (listener || !config.notification || !deps.directory) return;
    if (Date.now() - lastAttempt < NOTIFICATION_RETRY_MS) return;
    lastAttempt = Date.now();
    if (!(await deps.notificationAdvertised())) return;
    const candidate = new NotificationListener(deps.directory, await deps.baseDn(), {
      onChange,
      onBroken: (error) => {
        if (listener === candidate) listener = undefined;
        options.onNotificationState?.(false, error);
        // Notifications may have been lost: read now, then poll until it is back.
        wakeup.notify();
      },
    });
    try {
      await candidate.start();
      listener = candidate;
      options.onNotificationState?.(true);
    } catch (error) {
      options.onNotificationState?.(false, error instanceof Error ? error : undefined);
    }
  };

  let cursor = start;
  let trigger: WatchTrigger = 'start';
  let failures = 0;
  let usnAhead = false;
  const probeStop = new AbortController();
  const stopProbe = (): void => probeStop.abort();
  signal.addEventListener('abort', stopProbe, { once: true });
  const probe =
    deps.readUsn && config.usnPollMs > 0
      ? runUsnProbe(
          {
            readUsn: deps.readUsn,
            known: () => BigInt(cursor.usn),
            onAhead: () => {
              usnAhead = true;
              wakeup.notify();
            },
            intervalMs: config.usnPollMs,
            ...(deps.sleep ? { sleep: deps.sleep } : {}),
          },
          probeStop.signal,
        )
      : undefined;
  try {
    for (;;) {
      // Listen before reading, so a change during the read is not missed.
      await ensureListener();
      let wait: number;
      try {
        const result = await deps.delta(cursor);
        cursor = result.toCursor;
        failures = 0;
        options.onRun?.(result, trigger);
        wait = listener ? config.safetyPollMs : config.pollIntervalMs;
      } catch (error) {
        // A DC that went away comes back; anything else (the sink refused) is the caller's.
        if (!(error instanceof DirectoryUnreachableError) && !isConnectionFailure(error)) {
          throw error;
        }
        options.onDirectoryError?.(error as Error);
        failures += 1;
        wait = Math.min(config.pollIntervalMs * 2 ** failures, MAX_RETRY_MS);
      }
      const woke = await wakeup.wait(wait, signal);
      if (woke === 'aborted') return cursor;
      trigger = woke !== 'notified' ? 'poll' : usnAhead ? 'usn' : 'notification';
      usnAhead = false;
    }
  } finally {
    probeStop.abort();
    signal.removeEventListener('abort', stopProbe);
    await probe;
    clearTimeout(debounce);
    await listener?.stop();
  }
}
