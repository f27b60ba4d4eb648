import type { SyncBatch, SyncCursor, SyncPreviewChanges } from '@ferry/protocol';
import type { Logger } from 'pino';
import type { AgentChannel } from '../transport/agent-channel.js';
import { SyncCommandError } from './sync-command-error.js';
import { ProgressTracker, type RunProgress, type SyncStatus } from './sync-progress.js';
import type { SyncReader } from './sync-reader.js';
import type { SyncRunResult } from './sync-run.js';

/** The cloud refused a batch; the run stops and the coordinator decides what comes next. */
class SyncRefused extends Error {
  constructor(
    readonly code: 'cursor_mismatch' | 'not_leader' | 'delete_threshold' | 'no_answer',
    readonly cursor: SyncCursor | null,
  ) {
    super(`sync batch refused: ${code}`);
  }
}

/** Someone (the CLI) waiting for the next run of a kind to finish. */
interface RunWaiter {
  readonly full: boolean;
  /** Only runs of a watch started after the request count (a delta already going does not). */
  readonly fromGeneration: number;
  resolve(result: SyncRunResult): void;
  reject(error: Error): void;
}

/**
 * Keeps the cloud directory in step with AD while this agent holds the tenant's sync lease:
 * a full import when the cloud has no cursor, then deltas on every change (notification or
 * polling). Several agents run it; the lease makes one of them the leader, and another
 * takes over within a lease period when the leader goes away. It also runs what an operator
 * asks for on this agent: a sync now (delta or full), and a preview any agent can make.
 */
export class SyncCoordinator {
  readonly #reader: SyncReader;
  readonly #channel: AgentChannel;
  readonly #log: Logger;
  readonly #leaseIntervalMs: number;
  readonly progress = new ProgressTracker();
  readonly previewProgress = new ProgressTracker();
  #leading: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #tickNow: (() => void) | undefined;
  #cursor: SyncCursor | null = null;
  #lastAck: Date | undefined;
  #expectedUsers: number | undefined;
  #lastRun: SyncStatus['lastRun'];
  #waitingForDeletes = false;
  #fullRequested = false;
  #generation = 0;
  #restartWatch: (() => void) | undefined;
  #waiters: RunWaiter[] = [];
  #previewing = false;

  constructor(reader: SyncReader, channel: AgentChannel, log: Logger, leaseIntervalMs: number) {
    this.#reader = reader;
    this.#channel = channel;
    this.#log = log;
    this.#leaseIntervalMs = leaseIntervalMs;
    // An admin asked from the cloud: read now (and end a wait for delete confirmation).
    channel.sync.onRequest(() => {
      this.#wake?.();
      this.#restartWatch?.();
    });
    // Ask for the lease as soon as the channel is up, not a lease period later.
    channel.onState((state) => {
      if (state === 'online') this.#tickNow?.();
    });
  }

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.#stopped) return;
      const lease = await this.#channel.sync.requestLease();
      if (lease?.granted) this.#expectedUsers = lease.syncedUsers;
      if (lease?.granted && !this.#leading) void this.#lead(lease.cursor);
      if (!lease?.granted && this.#leading) {
        this.#log.info('sync: lease lost; another agent leads');
        this.#leading.abort();
        this.#leading = undefined;
      }
      this.#timer = setTimeout(() => void tick().catch(() => undefined), this.#leaseIntervalMs);
    };
    this.#tickNow = () => {
      clearTimeout(this.#timer);
      void tick().catch(() => undefined);
    };
    this.#tickNow();
  }

  /** When the cloud last accepted a batch of this agent's (its cursor moved); for metrics. */
  get lastAck(): Date | undefined {
    return this.#lastAck;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#leading?.abort();
    this.#rejectWaiters(new SyncCommandError('agent_stopping', 'the agent is stopping'));
  }

  status(): SyncStatus {
    return {
      enabled: true,
      leading: this.#leading !== undefined,
      cursor: this.#cursor,
      running: this.progress.current,
      lastRun: this.#lastRun,
      waitingForDeleteConfirmation: this.#waitingForDeletes,
    };
  }

  /**
   * Runs a sync now on this agent, if it leads: a delta (what changed since the cursor), or a
   * full import that reads every user in scope again. Resolves when that run is done.
   */
  runNow(full: boolean): Promise<SyncRunResult> {
    if (!this.#leading) {
      return Promise.reject(
        new SyncCommandError(
          'not_leader',
          'another agent of the tenant leads the sync; run this on that agent, or ask from the Admin center',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ full, fromGeneration: this.#generation + 1, resolve, reject });
      if (full) this.#fullRequested = true;
      this.#restartWatch?.();
      this.#wake?.();
    });
  }

  /**
   * Staging: reads every user in scope as a full run would and lets the cloud compare each
   * batch with its directory; nothing is applied. Any agent can preview, leader or not.
   */
  async preview(): Promise<{ result: SyncRunResult; changes: SyncPreviewChanges }> {
    if (this.#previewing) throw new SyncCommandError('busy', 'a preview is already running');
    this.#previewing = true;
    let changes: SyncPreviewChanges | undefined;
    let runId: string | undefined;
    try {
      const result = await this.#reader.fullImport(async (batch) => {
        runId = batch.runId;
        const answer = await this.#channel.sync.sendPreview(batch);
        if (!answer) throw new SyncCommandError('cloud_unreachable', 'the cloud did not answer');
        changes = answer.changes;
        this.previewProgress.record(batch, true, this.#expectedUsers);
      });
      return { result, changes: changes! };
    } finally {
      this.previewProgress.abandon(runId);
      this.#previewing = false;
    }
  }

  onProgress(listener: (progress: RunProgress) => void): () => void {
    return this.progress.onProgress(listener);
  }

  async #lead(start: SyncCursor | null): Promise<void> {
    const leading = new AbortController();
    this.#leading = leading;
    this.#log.info({ cursor: start?.usn ?? null }, 'sync: leading');
    let cursor = start;
    this.#cursor = cursor;
    const sink = async (batch: SyncBatch): Promise<void> => {
      const ack = await this.#channel.sync.sendBatch(batch);
      if (!ack) throw new SyncRefused('no_answer', cursor);
      if (!ack.applied) throw new SyncRefused(ack.code ?? 'not_leader', ack.cursor);
      this.#waitingForDeletes = false;
      this.#lastAck = new Date();
      this.progress.record(batch, false, this.#expectedUsers);
    };
    while (!leading.signal.aborted && !this.#stopped) {
      try {
        if (!cursor || this.#fullRequested) {
          this.#fullRequested = false;
          const result = await this.#reader.fullImport(sink);
          this.#log.info(
            { upserts: result.upserts, deletes: result.deletes },
            'sync: full import done',
          );
          cursor = result.toCursor;
          this.#cursor = cursor;
          this.#finished(result, this.#generation);
        }
        const generation = ++this.#generation;
        const watch = new AbortController();
        const stopWatch = (): void => watch.abort();
        leading.signal.addEventListener('abort', stopWatch);
        this.#restartWatch = stopWatch;
        try {
          cursor = await this.#reader.watch(cursor, sink, watch.signal, {
            onRun: (result) => {
              cursor = result.toCursor;
              this.#cursor = cursor;
              this.#finished(result, generation);
              if (result.upserts + result.deletes > 0) {
                this.#log.info(
                  {
                    mode: result.mode,
                    upserts: result.upserts,
                    deletes: result.deletes,
                    usnLookup: result.usnLookup,
                  },
                  'sync: run applied',
                );
              }
            },
          });
        } finally {
          leading.signal.removeEventListener('abort', stopWatch);
          this.#restartWatch = undefined;
        }
      } catch (error) {
        this.progress.abandon(undefined);
        if (!(error instanceof SyncRefused)) {
          this.#log.warn({ reason: (error as Error).message }, 'sync: run failed; retrying');
          this.#rejectWaiters(new SyncCommandError('run_failed', (error as Error).message));
          await this.#pause(leading.signal, 5_000);
          continue;
        }
        if (error.code === 'not_leader') break;
        if (error.code === 'cursor_mismatch') {
          cursor = error.cursor;
          this.#cursor = cursor;
          continue;
        }
        if (error.code === 'delete_threshold') {
          this.#log.warn('sync: too many deletes; waiting for an admin to confirm');
          this.#waitingForDeletes = true;
          this.#rejectWaiters(
            new SyncCommandError(
              'delete_threshold',
              'the run would delete more users than the threshold; an admin must confirm in the cloud',
            ),
          );
          await this.#pause(leading.signal, 24 * 3_600_000);
          continue;
        }
        await this.#pause(leading.signal, 2_000);
      }
    }
    if (this.#leading === leading) this.#leading = undefined;
    this.#rejectWaiters(new SyncCommandError('not_leader', 'this agent no longer leads the sync'));
  }

  #finished(result: SyncRunResult, generation: number): void {
    this.#lastRun = {
      runId: result.runId,
      mode: result.mode,
      reason: result.reason,
      upserts: result.upserts,
      deletes: result.deletes,
      batches: result.batches,
      finishedAt: new Date().toISOString(),
    };
    const done = this.#waiters.filter(
      (waiter) =>
        (waiter.full && result.mode === 'full') ||
        (!waiter.full && generation >= waiter.fromGeneration),
    );
    this.#waiters = this.#waiters.filter((waiter) => !done.includes(waiter));
    for (const waiter of done) waiter.resolve(result);
  }

  #rejectWaiters(error: Error): void {
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) waiter.reject(error);
  }

  /** Waits until `ms` passed, an admin asked for a sync, or leadership ended. */
  #pause(signal: AbortSignal, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.#wake = done;
    });
  }
}
