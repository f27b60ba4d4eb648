import type { Client } from 'ldapts';
import { addEntry, labClient, unicodePwdValue } from './lab-ldap.js';
import type { LabState } from './lab-state.js';
import { UAC_NORMAL_ACCOUNT } from './lab-users.js';

const givenNames = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emma',
  'Farid',
  'Grace',
  'Hugo',
  'Inès',
  'Jonas',
];
const surnames = [
  'Bernard',
  'Dubois',
  'Garcia',
  'Kowalski',
  'Leroy',
  'Moreau',
  'Nguyen',
  'Petit',
  'Roux',
  'Smith',
];

export function bulkAccountName(index: number): string {
  return `bulk${String(index).padStart(6, '0')}`;
}

/** The one password bulk users get with `--with-passwords`; lab data, not a secret worth hiding. */
export const BULK_USER_PASSWORD = 'Bulk!Pass-2026';
const UAC_PASSWD_NOTREQD = 0x20;

export interface BulkResult {
  readonly created: number;
  readonly existing: number;
  readonly seconds: number;
}

/**
 * Adds users bulk000001..bulkN under OU=Bulk over several LDAPS connections at once.
 * Already present users are counted, not re-created, so the command can be run again.
 */
export async function generateBulkUsers(
  state: LabState,
  count: number,
  log: (line: string) => void,
  options: { readonly withPasswords?: boolean; readonly connections?: number } = {},
): Promise<BulkResult> {
  const connections = options.connections ?? 6;
  const started = performance.now();
  let next = 1;
  let created = 0;
  let existing = 0;
  const worker = async (): Promise<void> => {
    const client = labClient(state.ldapsUrl, state.caFile, 30_000);
    await client.bind(state.admin.dn, state.admin.password);
    try {
      for (let index = next++; index <= count; index = next++) {
        if (await addBulkUser(client, state, index, options.withPasswords ?? false)) created += 1;
        else existing += 1;
        const done = created + existing;
        if (done % 1000 === 0) log(`bulk users: ${done}/${count}`);
      }
    } finally {
      await client.unbind();
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, count) }, worker));
  return { created, existing, seconds: (performance.now() - started) / 1000 };
}

/**
 * Without a password a user costs Samba no key derivation (about ten times faster to add);
 * such users are enabled with PASSWD_NOTREQD until a reset gives them one.
 */
async function addBulkUser(
  client: Client,
  state: LabState,
  index: number,
  withPassword: boolean,
): Promise<boolean> {
  const name = bulkAccountName(index);
  const givenName = givenNames[index % givenNames.length]!;
  const sn = surnames[Math.floor(index / givenNames.length) % surnames.length]!;
  const upn = `${name}@${state.realm.toLowerCase()}`;
  try {
    await addEntry(client, `CN=${name},${state.ous.bulk}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      cn: name,
      sAMAccountName: name,
      userPrincipalName: upn,
      givenName,
      sn,
      displayName: `${givenName} ${sn}`,
      mail: upn,
      userAccountControl: String(UAC_NORMAL_ACCOUNT | (withPassword ? 0 : UAC_PASSWD_NOTREQD)),
      ...(withPassword ? { unicodePwd: unicodePwdValue(BULK_USER_PASSWORD) } : {}),
    });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 68) return false; // entryAlreadyExists
    throw error;
  }
}
