import type { SyncBatch, SyncCursor } from '@ferry/protocol';
import type { UsnLookup } from './sync-filters.js';

/** Why a run read what it read. */
export type SyncRunReason =
  | 'requested'
  | 'resumed'
  /** The cursor names another DC, or this DC after a restore: its USNs mean nothing here. */
  | 'invocation_changed'
  /** The cursor is ahead of the DC: it cannot be trusted. */
  | 'cursor_ahead'
  /** OpenLDAP: the accesslog was purged past the cursor, so changes after it may be gone. */
  | 'log_truncated'
  | 'changes';

export interface SyncRunOptions {
  /**
   * The anchors the cloud holds (lower-case GUIDs). A full run then deletes those it did not
   * find; a delta deletes only anchors in it. Without it, deletes are an upper bound: a
   * delta names every user that changed outside scope, known to the cloud or not.
   */
  readonly knownAnchors?: ReadonlySet<string>;
  /** Resume an interrupted full run: its runId and starting mark are kept (same DC only). */
  readonly resume?: { readonly runId: string; readonly toCursor: SyncCursor };
  /** Called before the final batch when it carries deletes; throw to stop the run there. */
  readonly beforeDeletes?: (count: number) => void | Promise<void>;
}

export interface SyncRunResult {
  readonly runId: string;
  readonly mode: SyncBatch['mode'];
  readonly reason: SyncRunReason;
  readonly fromCursor: SyncCursor | null;
  readonly toCursor: SyncCursor;
  readonly batches: number;
  readonly upserts: number;
  readonly deletes: number;
  /** More deletes than the configured threshold: a coordinator asks an admin first. */
  readonly deleteThresholdExceeded: boolean;
  /**
   * False when the account may not read tombstones (AD shows the Deleted Objects container
   * to non-admins only with List Contents + Read Property delegated on it): deletions in
   * AD are then invisible to deltas, and only a full run (with the cloud's anchors) finds
   * them. Always true for a full run.
   */
  readonly deletionsVisible: boolean;
  /**
   * How a delta that searched named what changed: by the list of USNs since the cursor
   * (index lookups on the DC) or by a uSNChanged range (a scan of the domain on Samba);
   * null for a full run and for a delta with nothing to read.
   */
  readonly usnLookup: UsnLookup | null;
}
