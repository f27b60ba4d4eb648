import { randomUUID } from 'node:crypto';
import type { SyncBatch, SyncCursor } from '@ferry/protocol';
import type { Client } from 'ldapts';
import type { DirectoryConfig } from '../directory/index.js';
import type { AdConnector } from '../directory/ad/ad-connector.js';
import { OpenLdapConnector } from '../directory/openldap/openldap-connector.js';
import { adSyncSource } from './ad-sync-source.js';
import { BatchWriter, type BatchSink, type RunIdentity } from './batch-writer.js';
import { OpenLdapSyncSource } from './openldap/openldap-sync-source.js';
import type { ReadContext } from './read-context.js';
import { parseSyncConfig, type SyncConfig, type SyncConfigInput } from './sync-config.js';
import type { SyncRunOptions, SyncRunReason, SyncRunResult } from './sync-run.js';
import type { UsnLookup } from './sync-filters.js';
import { SyncScope } from './sync-scope.js';
import type { SourceMark, SyncSource } from './sync-source.js';
import { watchChanges, type WatchOptions } from './watch-changes.js';

export interface SyncReaderOptions {
  /** Needed only for change notification (its own long-lived connection). */
  readonly directory?: DirectoryConfig;
}

/** The connectors a sync reads through: each gives pooled service-account connections. */
export type SyncableConnector = AdConnector | OpenLdapConnector;

/**
 * Reads users from the directory for the cloud: a full import, then deltas since a cursor,
 * with deletions and users leaving scope. What differs by dialect (the mark, the delta feed,
 * the mapping) is a SyncSource: AD reads uSNChanged and tombstones, OpenLDAP its accesslog.
 * Every run works on one connection, so its mark and its reads come from the same server.
 */
export class SyncReader {
  readonly config: SyncConfig;
  readonly #connector: SyncableConnector;
  readonly #source: SyncSource;
  readonly #options: SyncReaderOptions;
  readonly #scope: SyncScope;
  readonly #attributes: readonly string[];

  constructor(
    connector: SyncableConnector,
    config: SyncConfigInput = {},
    options: SyncReaderOptions = {},
  ) {
    this.config = parseSyncConfig(config);
    this.#connector = connector;
    this.#options = options;
    this.#scope = new SyncScope(connector.baseDn, this.config.includeOus, this.config.excludeOus);
    this.#source =
      connector instanceof OpenLdapConnector
        ? (new OpenLdapSyncSource(connector.baseDn, this.config.accesslogDn) as SyncSource)
        : (adSyncSource as SyncSource);
    this.#attributes = [...this.#source.attributes, ...this.config.extraAttributes];
  }

  /** Reads every user in scope. `fromCursor` is the cursor the caller held, if any. */
  fullImport(
    onBatch: BatchSink,
    options: SyncRunOptions & { readonly fromCursor?: SyncCursor | null } = {},
  ): Promise<SyncRunResult> {
    return this.#connector.withServiceConnection(async (client) => {
      const mark = await this.#source.mark(client);
      return this.#full(client, mark, onBatch, options, options.fromCursor ?? null, 'requested');
    }, false);
  }

  /**
   * Reads what changed since `cursor`. A cursor from another DC (or from before a restore,
   * or older than OpenLDAP's accesslog) cannot be used: the run becomes a full import, and
   * says why.
   */
  delta(
    cursor: SyncCursor,
    onBatch: BatchSink,
    options: SyncRunOptions = {},
  ): Promise<SyncRunResult> {
    return this.#connector.withServiceConnection(async (client) => {
      const mark = await this.#source.mark(client);
      const unusable = this.#source.unusable(cursor, mark);
      if (unusable) return this.#full(client, mark, onBatch, options, cursor, unusable);
      return this.#delta(client, mark, cursor, onBatch, options);
    }, false);
  }

  /** A dry run: the batches a run would send, handed to no one. */
  async preview(
    cursor: SyncCursor | null,
    options: Omit<SyncRunOptions, 'beforeDeletes'> = {},
  ): Promise<{ result: SyncRunResult; batches: SyncBatch[] }> {
    const batches: SyncBatch[] = [];
    const collect: BatchSink = async (batch) => {
      batches.push(batch);
    };
    const result = cursor
      ? await this.delta(cursor, collect, options)
      : await this.fullImport(collect, options);
    return { result, batches };
  }

  /**
   * Keeps the cloud current until `signal` aborts: a delta now, then one after each change
   * notification (or poll). Resolves with the last cursor reached. An unreachable DC is
   * retried with backoff; any other failure (the sink refused a batch) rejects, leaving the
   * retry to the caller.
   */
  watch(
    cursor: SyncCursor,
    onBatch: BatchSink,
    signal: AbortSignal,
    options: WatchOptions = {},
  ): Promise<SyncCursor> {
    return watchChanges(
      {
        config: this.config,
        directory: this.#options.directory,
        baseDn: () => this.#connector.rootDse().then((dse) => dse.defaultNamingContext),
        notificationAdvertised: async () =>
          this.#source.notifies &&
          (await this.#connector.rootDse().then((dse) => dse.capabilities.notification)),
        delta: (from) => this.delta(from, onBatch, options),
        readUsn: () =>
          this.#connector.withServiceConnection((client) => this.#source.probe(client), true),
      },
      cursor,
      signal,
      options,
    );
  }

  async #full(
    client: Client,
    mark: SourceMark,
    onBatch: BatchSink,
    options: SyncRunOptions,
    fromCursor: SyncCursor | null,
    reason: SyncRunReason,
  ): Promise<SyncRunResult> {
    // Resuming keeps the first attempt's mark: changes since then are read by the next delta.
    const resume =
      options.resume && options.resume.toCursor.invocationId === mark.cursor.invocationId
        ? options.resume
        : undefined;
    const run: RunIdentity = {
      runId: resume?.runId ?? randomUUID(),
      mode: 'full',
      fromCursor,
      toCursor: resume?.toCursor ?? mark.cursor,
    };
    const writer = new BatchWriter(run, this.config.batchSize, onBatch);
    await this.#source.full(this.#context(client, writer), options.knownAnchors);
    return this.#finish(writer, run, resume ? 'resumed' : reason, options, true);
  }

  async #delta(
    client: Client,
    mark: SourceMark,
    cursor: SyncCursor,
    onBatch: BatchSink,
    options: SyncRunOptions,
  ): Promise<SyncRunResult> {
    const run: RunIdentity = {
      runId: randomUUID(),
      mode: 'delta',
      fromCursor: cursor,
      toCursor: mark.cursor,
    };
    const writer = new BatchWriter(run, this.config.batchSize, onBatch);
    // Nothing at all was written on this DC since the cursor: no search needed.
    if (BigInt(cursor.usn) === BigInt(mark.cursor.usn)) {
      return this.#finish(writer, run, 'changes', options, true);
    }
    const { deletionsVisible, usnLookup } = await this.#source.delta(
      this.#context(client, writer),
      cursor,
      mark,
      options.knownAnchors,
    );
    return this.#finish(writer, run, 'changes', options, deletionsVisible, usnLookup ?? null);
  }

  #context(client: Client, writer: BatchWriter): ReadContext {
    return {
      client,
      config: this.config,
      scope: this.#scope,
      attributes: this.#attributes,
      writer,
    };
  }

  async #finish(
    writer: BatchWriter,
    run: RunIdentity,
    reason: SyncRunReason,
    options: SyncRunOptions,
    deletionsVisible: boolean,
    usnLookup: UsnLookup | null = null,
  ): Promise<SyncRunResult> {
    if (writer.pendingDeletes > 0) await options.beforeDeletes?.(writer.pendingDeletes);
    const counts = await writer.finish();
    return {
      ...run,
      reason,
      ...counts,
      deleteThresholdExceeded: counts.deletes > this.config.deleteThreshold,
      deletionsVisible,
      usnLookup,
    };
  }
}
