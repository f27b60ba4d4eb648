import type { SyncBatch, SyncCursor, SyncedUser } from '@ferry/protocol';

/** Receives each batch; may refuse it by throwing (e.g. the cloud holds another cursor). */
export type BatchSink = (batch: SyncBatch) => Promise<void>;

export interface RunIdentity {
  readonly runId: string;
  readonly mode: SyncBatch['mode'];
  readonly fromCursor: SyncCursor | null;
  readonly toCursor: SyncCursor;
}

/**
 * Cuts a run's changes into batches of at most `batchSize` users and hands each to the sink
 * as soon as it is full, so a run never holds more than one batch. Deletes ride in the
 * final batch, after every upsert, so a delete threshold can stop a run before any delete.
 */
export class BatchWriter {
  readonly #run: RunIdentity;
  readonly #batchSize: number;
  readonly #sink: BatchSink;
  #upserts: SyncedUser[] = [];
  #deletes: string[] = [];
  #refreshedGroups: string[] = [];
  #sequence = 0;
  #upserted = 0;
  #deleted = 0;

  constructor(run: RunIdentity, batchSize: number, sink: BatchSink) {
    this.#run = run;
    this.#batchSize = batchSize;
    this.#sink = sink;
  }

  /** Adds users; resolves once any batch that filled up has been accepted by the sink. */
  async upsert(users: readonly SyncedUser[]): Promise<void> {
    for (const user of users) {
      this.#upserts.push(user);
      if (this.#upserts.length >= this.#batchSize) await this.#send(false);
    }
  }

  delete(anchor: string): void {
    this.#deletes.push(anchor);
  }

  /** Groups whose current in-scope members this run upserts (see the batch schema). */
  refreshedGroups(dns: readonly string[]): void {
    this.#refreshedGroups.push(...dns);
  }

  get pendingDeletes(): number {
    return this.#deletes.length;
  }

  /** Sends the final batch (possibly empty: it is what moves the cloud's cursor). */
  async finish(): Promise<{ batches: number; upserts: number; deletes: number }> {
    await this.#send(true);
    return { batches: this.#sequence, upserts: this.#upserted, deletes: this.#deleted };
  }

  async #send(final: boolean): Promise<void> {
    const upserts = this.#upserts;
    const deletes = final ? this.#deletes : [];
    this.#upserts = [];
    if (final) this.#deletes = [];
    const batch: SyncBatch = {
      runId: this.#run.runId,
      mode: this.#run.mode,
      sequence: this.#sequence,
      final,
      fromCursor: this.#run.fromCursor,
      toCursor: this.#run.toCursor,
      upserts,
      deletes,
      refreshedGroups: final ? this.#refreshedGroups : [],
    };
    this.#sequence += 1;
    await this.#sink(batch);
    this.#upserted += upserts.length;
    this.#deleted += deletes.length;
  }
}
