import type { SyncCursor } from '@ferry/protocol';
import type { Logger } from 'pino';
import type { AgentChannel } from '../transport/agent-channel.js';
import type { SyncReader } from './sync-reader.js';

/** The cloud refused a batch; the run stops and the coordinator decides what comes next. */
class SyncRefused extends Error {
  constructor(
    readonly code: 'cursor_mismatch' | 'not_leader' | 'delete_threshold' | 'no_answer',
    readonly cursor: SyncCursor | null,
  ) {
    super(`sync batch refused: ${code}`);
  }
}

/**
 * Keeps the cloud directory in step with AD while this agent holds the tenant's sync lease:
 * a full import when the cloud has no cursor, then deltas on every change (notification or
 * polling). Several agents run it; the lease makes one of them the leader, and another
 * takes over within a lease period when the leader goes away.
 */
export class SyncCoordinator {
  readonly #reader: SyncReader;
  readonly #channel: AgentChannel;
  readonly #log: Logger;
  readonly #leaseIntervalMs: number;
  #leading: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(reader: SyncReader, channel: AgentChannel, log: Logger, leaseIntervalMs: number) {
    this.#reader = reader;
    this.#channel = channel;
    this.#log = log;
    this.#leaseIntervalMs = leaseIntervalMs;
    channel.onSyncRequest(() => this.#wake?.());
    // Ask for the lease as soon as the channel is up, not a lease period later.
    channel.onState((state) => {
      if (state === 'online') this.#tickNow?.();
    });
  }

  #tickNow: (() => void) | undefined;

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.#stopped) return;
      const lease = await this.#channel.requestSyncLease();
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

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#leading?.abort();
  }

  async #lead(start: SyncCursor | null): Promise<void> {
    const leading = new AbortController();
    this.#leading = leading;
    this.#log.info({ cursor: start?.usn ?? null }, 'sync: leading');
    let cursor = start;
    const sink = async (
      batch: Parameters<Parameters<SyncReader['watch']>[1]>[0],
    ): Promise<void> => {
      const ack = await this.#channel.sendSyncBatch(batch);
      if (!ack) throw new SyncRefused('no_answer', cursor);
      if (!ack.applied) throw new SyncRefused(ack.code ?? 'not_leader', ack.cursor);
    };
    while (!leading.signal.aborted && !this.#stopped) {
      try {
        if (!cursor) {
          const result = await this.#reader.fullImport(sink);
          this.#log.info(
            { upserts: result.upserts, deletes: result.deletes },
            'sync: full import done',
          );
          cursor = result.toCursor;
        }
        cursor = await this.#reader.watch(cursor, sink, leading.signal, {
          onRun: (result) => {
            cursor = result.toCursor;
            if (result.upserts + result.deletes > 0) {
              this.#log.info(
                { mode: result.mode, upserts: result.upserts, deletes: result.deletes },
                'sync: run applied',
              );
            }
          },
        });
      } catch (error) {
        if (!(error instanceof SyncRefused)) {
          this.#log.warn({ reason: (error as Error).message }, 'sync: run failed; retrying');
          await this.#pause(leading.signal, 5_000);
          continue;
        }
        if (error.code === 'not_leader') break;
        if (error.code === 'cursor_mismatch') {
          cursor = error.cursor;
          continue;
        }
        if (error.code === 'delete_threshold') {
          this.#log.warn('sync: too many deletes; waiting for an admin to confirm');
          await this.#pause(leading.signal, 24 * 3_600_000);
          continue;
        }
        await this.#pause(leading.signal, 2_000);
      }
    }
    if (this.#leading === leading) this.#leading = undefined;
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
