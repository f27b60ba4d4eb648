import type { SyncCursor } from '@ferry/protocol';
import type { Client } from 'ldapts';
import type { ReadContext } from './read-context.js';
import type { UsnLookup } from './sync-filters.js';
import type { SyncRunReason } from './sync-run.js';

/** Where the directory stands when a run starts: the cursor the run will reach. */
export interface SourceMark {
  readonly cursor: SyncCursor;
}

/**
 * What differs between directory dialects in a sync: how the mark is read, whether a cursor
 * can still be used, how users are read in full and how changes since a cursor are found.
 * The reader around it (runs, batches, resume, delete threshold, watching) is shared.
 */
export interface SyncSource<Mark extends SourceMark = SourceMark> {
  /** The attributes the dialect's user mapping reads (extras are appended). */
  readonly attributes: readonly string[];
  /** Whether the directory can push change notifications (AD's LDAP_SERVER_NOTIFICATION). */
  readonly notifies: boolean;
  mark(client: Client): Promise<Mark>;
  /** Why `cursor` cannot be continued from on this directory (a full run instead), if so. */
  unusable(cursor: SyncCursor, mark: Mark): SyncRunReason | undefined;
  full(context: ReadContext, knownAnchors: ReadonlySet<string> | undefined): Promise<void>;
  /**
   * Reads changes after `cursor`; says whether deletions could be seen, and (AD) whether the
   * changed objects were named by the list of their USNs or by a range.
   */
  delta(
    context: ReadContext,
    cursor: SyncCursor,
    mark: Mark,
    knownAnchors: ReadonlySet<string> | undefined,
  ): Promise<{ deletionsVisible: boolean; usnLookup?: UsnLookup }>;
  /** The directory's change counter now, as a usn: the cheap probe between deltas. */
  probe(client: Client): Promise<bigint>;
}
