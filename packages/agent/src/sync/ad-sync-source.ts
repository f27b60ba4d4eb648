import type { SyncCursor } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { readDcMark, readHighestUsn, type DcMark } from './dc-mark.js';
import { readDelta } from './delta-read.js';
import { readFull } from './full-read.js';
import type { ReadContext } from './read-context.js';
import type { SyncSource } from './sync-source.js';
import type { SyncRunReason } from './sync-run.js';
import { SYNCED_USER_ATTRIBUTES } from './synced-user-mapping.js';

/**
 * Active Directory: the cursor is a DC's highestCommittedUSN named by its invocationId;
 * deltas search uSNChanged, deletions come from tombstones.
 */
export const adSyncSource: SyncSource<DcMark> = {
  attributes: SYNCED_USER_ATTRIBUTES,
  notifies: true,
  mark: (client: Client) => readDcMark(client),
  unusable(cursor: SyncCursor, mark: DcMark): SyncRunReason | undefined {
    if (cursor.invocationId.toLowerCase() !== mark.cursor.invocationId) {
      return 'invocation_changed';
    }
    if (BigInt(cursor.usn) > BigInt(mark.cursor.usn)) return 'cursor_ahead';
    return undefined;
  },
  full: (context: ReadContext, knownAnchors) => readFull(context, knownAnchors),
  delta: (context, cursor, mark, knownAnchors) =>
    readDelta(
      context,
      { from: BigInt(cursor.usn) + 1n, to: BigInt(mark.cursor.usn) },
      mark.domainDn,
      knownAnchors,
    ),
  probe: (client: Client) => readHighestUsn(client),
};
