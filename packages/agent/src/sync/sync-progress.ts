import type { SyncBatch, SyncCursor } from '@ferry/protocol';
import type { SyncRunResult } from './sync-run.js';

/** A run as it goes: what the agent has read and handed to the cloud so far. */
export interface RunProgress {
  readonly runId: string;
  readonly mode: SyncBatch['mode'];
  /** A preview: compared by the cloud, applied nowhere. */
  readonly preview: boolean;
  readonly startedAt: string;
  batches: number;
  users: number;
  deletes: number;
  /** Users the cloud holds: what a full run is expected to read (undefined: unknown). */
  readonly expectedUsers?: number | undefined;
}

/** What `sync status` shows. */
export interface SyncStatus {
  readonly enabled: boolean;
  readonly leading: boolean;
  readonly cursor: SyncCursor | null;
  readonly running: RunProgress | undefined;
  readonly lastRun:
    | (Pick<SyncRunResult, 'runId' | 'mode' | 'reason' | 'upserts' | 'deletes' | 'batches'> & {
        readonly finishedAt: string;
      })
    | undefined;
  /** Set while a run waits for an admin to confirm its deletes. */
  readonly waitingForDeleteConfirmation: boolean;
}

/** Counts a run's batches as they leave, for `sync status` and the CLI's progress bar. */
export class ProgressTracker {
  #current: RunProgress | undefined;
  readonly #listeners = new Set<(progress: RunProgress) => void>();

  get current(): RunProgress | undefined {
    return this.#current;
  }

  /** Counts one batch (a new run id starts a new run). */
  record(batch: SyncBatch, preview: boolean, expectedUsers: number | undefined): void {
    if (this.#current?.runId !== batch.runId) {
      this.#current = {
        runId: batch.runId,
        mode: batch.mode,
        preview,
        startedAt: new Date().toISOString(),
        batches: 0,
        users: 0,
        deletes: 0,
        expectedUsers: batch.mode === 'full' ? expectedUsers : undefined,
      };
    }
    const current = this.#current;
    current.batches += 1;
    current.users += batch.upserts.length;
    current.deletes += batch.deletes.length;
    for (const listener of this.#listeners) listener(current);
    if (batch.final) this.#current = undefined;
  }

  /** A run that stopped without its final batch. */
  abandon(runId: string | undefined): void {
    if (runId === undefined || this.#current?.runId === runId) this.#current = undefined;
  }

  onProgress(listener: (progress: RunProgress) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
