import type { SyncCursor } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { normalizeDn } from '../sync-scope.js';

/**
 * The OpenLDAP cursor: the change sequence number (CSN) slapd stamps on every write,
 * reduced to its time (20261203212830.951743Z → usn "20261203212830951743", 20 digits), and
 * named by the entryUUID of the naming context's head entry (a rebuilt directory has
 * another). The accesslog keeps each logged change's CSN as its entryCSN, so "everything
 * at or below this usn was read" means the same thing as AD's USN.
 */
export interface OpenLdapMark {
  readonly cursor: SyncCursor;
  /** The naming context that holds the base DN (its head carries contextCSN). */
  readonly suffix: string;
  /** The oldest change still in the accesslog (its minCSN), as a usn; undefined if empty. */
  readonly oldestLogged: bigint | undefined;
}

const CSN = /^(\d{14})\.(\d{6})Z#/;

/** A CSN's time as a 20-digit decimal, comparable across CSNs. */
export function csnToUsn(csn: string): string | undefined {
  const match = CSN.exec(csn);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** The smallest CSN at a usn's microsecond: a filter bound including that microsecond. */
export function usnToCsn(usn: bigint): string {
  const digits = usn.toString().padStart(20, '0');
  return `${digits.slice(0, 14)}.${digits.slice(14)}Z#000000#000#000000`;
}

function values(entry: Record<string, unknown> | undefined, name: string): string[] {
  const value = entry?.[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The largest of several CSNs (contextCSN has one per server id in a multi-provider setup). */
function highestUsn(csns: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const csn of csns) {
    const usn = csnToUsn(csn);
    if (usn !== undefined && (best === undefined || usn > best)) best = usn;
  }
  return best;
}

function lowestUsn(csns: readonly string[]): bigint | undefined {
  let low: string | undefined;
  for (const csn of csns) {
    const usn = csnToUsn(csn);
    if (usn !== undefined && (low === undefined || usn < low)) low = usn;
  }
  return low === undefined ? undefined : BigInt(low);
}

/** Which naming context (from the rootDSE) holds `baseDn`. */
export async function namingContextOf(client: Client, baseDn: string): Promise<string> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['namingContexts'],
  });
  const base = normalizeDn(baseDn);
  const contexts = values(searchEntries[0], 'namingContexts')
    .filter((dn) => {
      const key = normalizeDn(dn);
      return base === key || base.endsWith(`,${key}`);
    })
    .sort((a, b) => b.length - a.length);
  return contexts[0] ?? baseDn;
}

/** The error the sync raises when the accesslog (its delta feed) cannot be read. */
export class AccesslogUnreadableError extends Error {
  constructor(accesslogDn: string, reason: string) {
    super(
      `cannot read the accesslog ${accesslogDn} (${reason}): OpenLDAP deltas need the accesslog ` +
        'overlay, logging writes, and read access for the service account',
    );
    this.name = 'AccesslogUnreadableError';
  }
}

/** The head of the accesslog: minCSN says how far back the log reaches after purges. */
export async function readAccesslogHead(
  client: Client,
  accesslogDn: string,
): Promise<bigint | undefined> {
  let entry: Record<string, unknown> | undefined;
  try {
    ({
      searchEntries: [entry],
    } = await client.search(accesslogDn, {
      scope: 'base',
      filter: '(objectClass=auditContainer)',
      attributes: ['minCSN'],
    }));
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === 32 || code === 50) {
      throw new AccesslogUnreadableError(accesslogDn, code === 32 ? 'no such object' : 'no access');
    }
    throw error;
  }
  if (!entry) throw new AccesslogUnreadableError(accesslogDn, 'not an accesslog database');
  return lowestUsn(values(entry, 'minCSN'));
}

/**
 * Where slapd stands now: contextCSN on the naming context's head (maintained by syncprov),
 * read *before* the users, as AD's mark is, so a change made while a run reads is read again
 * by the next delta rather than lost.
 */
export async function readOpenLdapMark(
  client: Client,
  baseDn: string,
  accesslogDn: string,
): Promise<OpenLdapMark> {
  const suffix = await namingContextOf(client, baseDn);
  const { searchEntries } = await client.search(suffix, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['entryUUID', 'contextCSN'],
  });
  const head = searchEntries[0];
  const uuid = values(head, 'entryUUID')[0];
  const usn = highestUsn(values(head, 'contextCSN'));
  if (!uuid || !usn) {
    throw new Error(
      `${suffix} has no entryUUID or contextCSN: OpenLDAP sync needs the syncprov overlay on the database`,
    );
  }
  const oldestLogged = await readAccesslogHead(client, accesslogDn);
  return { cursor: { invocationId: uuid.toLowerCase(), usn }, suffix, oldestLogged };
}

/** contextCSN alone, as a usn: the probe between deltas (one base read of one attribute). */
export async function readContextUsn(client: Client, suffix: string): Promise<bigint> {
  const { searchEntries } = await client.search(suffix, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['contextCSN'],
  });
  const usn = highestUsn(values(searchEntries[0], 'contextCSN'));
  if (!usn) throw new Error(`${suffix} has no contextCSN`);
  return BigInt(usn);
}
