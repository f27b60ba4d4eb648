import type { SyncCursor } from '@ferry/protocol';
import type { Client } from 'ldapts';
import type { ReadContext } from '../read-context.js';
import type { SyncRunReason } from '../sync-run.js';
import type { SyncSource } from '../sync-source.js';
import { OPENLDAP_SYNCED_USER_ATTRIBUTES } from './openldap-mapping.js';
import {
  namingContextOf,
  readContextUsn,
  readOpenLdapMark,
  type OpenLdapMark,
} from './openldap-mark.js';
import { readOpenLdapDelta, readOpenLdapFull } from './openldap-read.js';

/**
 * OpenLDAP (slapd with syncprov and accesslog): the cursor is the contextCSN's time, named
 * by the naming context's entryUUID; deltas read the accesslog's write records since the
 * cursor (adds, modifies, renames and deletes, with reqEntryUUID) and read the changed
 * entries back. ldapts cannot speak content sync (RFC 4533), so the accesslog is the feed.
 */
export class OpenLdapSyncSource implements SyncSource<OpenLdapMark> {
  readonly attributes = OPENLDAP_SYNCED_USER_ATTRIBUTES;
  readonly notifies = false;
  readonly #baseDn: string;
  readonly #accesslogDn: string;
  #suffix: string | undefined;

  constructor(baseDn: string, accesslogDn: string) {
    this.#baseDn = baseDn;
    this.#accesslogDn = accesslogDn;
  }

  async mark(client: Client): Promise<OpenLdapMark> {
    const mark = await readOpenLdapMark(client, this.#baseDn, this.#accesslogDn);
    this.#suffix = mark.suffix;
    return mark;
  }

  unusable(cursor: SyncCursor, mark: OpenLdapMark): SyncRunReason | undefined {
    if (cursor.invocationId.toLowerCase() !== mark.cursor.invocationId) {
      return 'invocation_changed';
    }
    const usn = BigInt(cursor.usn);
    if (usn > BigInt(mark.cursor.usn)) return 'cursor_ahead';
    // Nothing changed since the cursor: the log need not reach back to it.
    if (usn === BigInt(mark.cursor.usn)) return undefined;
    // The log was purged past the cursor (or is empty): changes after it may be gone.
    if (mark.oldestLogged === undefined || mark.oldestLogged > usn) return 'log_truncated';
    return undefined;
  }

  full(context: ReadContext, knownAnchors: ReadonlySet<string> | undefined): Promise<void> {
    return readOpenLdapFull(context, knownAnchors);
  }

  async delta(
    context: ReadContext,
    cursor: SyncCursor,
    mark: OpenLdapMark,
    knownAnchors: ReadonlySet<string> | undefined,
  ): Promise<{ deletionsVisible: boolean }> {
    await readOpenLdapDelta(
      context,
      mark.suffix,
      this.#accesslogDn,
      // Everything at the cursor's microsecond was read (the mark is read after the write that
      // set it, and slapd's clock moves on): start at the next one, as AD starts at usn + 1.
      BigInt(cursor.usn) + 1n,
      knownAnchors,
    );
    return { deletionsVisible: true };
  }

  async probe(client: Client): Promise<bigint> {
    this.#suffix ??= await namingContextOf(client, this.#baseDn);
    return readContextUsn(client, this.#suffix);
  }
}
