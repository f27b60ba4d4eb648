import type { SyncCursor } from '@ferry/protocol';
import type { Client } from 'ldapts';
import { guidBytesToString, readRootDse } from '../directory/index.js';
import { ShowDeletedControl } from './sync-controls.js';

/** Where the DC stands now: the cursor a run started now will reach. */
export interface DcMark {
  readonly cursor: SyncCursor;
  /** The domain naming context: tombstones live in its Deleted Objects container. */
  readonly domainDn: string;
}

/**
 * Reads highestCommittedUSN from the rootDSE, and the DC's invocationId from its NTDS
 * Settings object (rootDSE dsServiceName). Read *before* the users: a change committed while
 * a run reads is above the mark, so the next delta reads it again rather than losing it.
 */
export async function readDcMark(client: Client): Promise<DcMark> {
  const dse = await readRootDse(client);
  if (!dse.highestCommittedUSN || !dse.dsServiceName) {
    throw new Error('the rootDSE has no highestCommittedUSN or dsServiceName: not an AD DC');
  }
  const { searchEntries } = await client.search(dse.dsServiceName, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['invocationId'],
    explicitBufferAttributes: ['invocationId'],
  });
  const value = searchEntries[0]?.['invocationId'];
  const bytes = Array.isArray(value) ? value[0] : value;
  if (!Buffer.isBuffer(bytes)) {
    throw new Error(`cannot read invocationId of ${dse.dsServiceName}`);
  }
  return {
    cursor: {
      invocationId: guidBytesToString(bytes),
      usn: dse.highestCommittedUSN,
    },
    domainDn: dse.defaultNamingContext,
  };
}

/**
 * Whether this connection's account can read tombstones: without rights on the Deleted
 * Objects container, AD (and Samba) return the container with no attributes at all.
 */
export async function tombstonesReadable(client: Client, domainDn: string): Promise<boolean> {
  try {
    const { searchEntries } = await client.search(
      `CN=Deleted Objects,${domainDn}`,
      { scope: 'base', filter: '(objectClass=*)', attributes: ['objectGUID'] },
      [new ShowDeletedControl()],
    );
    const guid = searchEntries[0]?.['objectGUID'];
    return guid !== undefined && !(Array.isArray(guid) && guid.length === 0);
  } catch (error) {
    if ((error as { code?: number }).code === 32) return false; // noSuchObject
    throw error;
  }
}

/** The DC's highestCommittedUSN alone: the USN probe's one small read between deltas. */
export async function readHighestUsn(client: Client): Promise<bigint> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['highestCommittedUSN'],
  });
  const value = searchEntries[0]?.['highestCommittedUSN'];
  const usn = Array.isArray(value) ? value[0] : value;
  if (usn === undefined) throw new Error('the rootDSE has no highestCommittedUSN');
  return BigInt(String(usn));
}
