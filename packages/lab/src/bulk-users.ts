import type { Client } from 'ldapts';
import { addBulkUsersOffline } from './bulk-offline.js';
import { addEntry, ensureEntry, labClient, unicodePwdValue } from './lab-ldap.js';
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

/** Bulk users past this many live in a child OU, so a scope of the first 10,000 is one exclusion. */
export const BULK_USERS_IN_BULK_OU = 10_000;

/** OU=Bulk More under OU=Bulk: bulk users 10,001 and up. */
export function bulkMoreOu(state: LabState): string {
  return `OU=Bulk More,${state.ous.bulk}`;
}

export function bulkUserDn(state: LabState, index: number): string {
  const ou = index > BULK_USERS_IN_BULK_OU ? bulkMoreOu(state) : state.ous.bulk;
  return `CN=${bulkAccountName(index)},${ou}`;
}

/** Below this many missing users, LDAP adds; above, the DC is stopped and they go in directly. */
const OFFLINE_ABOVE = 2_000;

/** The one password bulk users get with `--with-passwords`; lab data, not a secret worth hiding. */
export const BULK_USER_PASSWORD = 'Bulk!Pass-2026';
const UAC_PASSWD_NOTREQD = 0x20;

export interface BulkResult {
  readonly created: number;
  readonly existing: number;
  readonly seconds: number;
}

/**
 * Makes sure bulk users bulk000001..bulkN exist (users past 10,000 under OU=Bulk More), and
 * is cheap when they do: the directory is kept between runs. Missing users without passwords
 * beyond a few thousand go straight into the stopped DC's database (`bulk-offline.ts`); the
 * rest are LDAP adds over several LDAPS connections at once.
 */
export async function generateBulkUsers(
  state: LabState,
  count: number,
  log: (line: string) => void,
  options: { readonly withPasswords?: boolean; readonly connections?: number } = {},
): Promise<BulkResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const probe = labClient(state.ldapsUrl, state.caFile, 30_000);
  await probe.bind(state.admin.dn, state.admin.password);
  let present: number;
  try {
    if (await exists(probe, bulkUserDn(state, count))) {
      return { created: 0, existing: count, seconds: seconds() };
    }
    if (count > BULK_USERS_IN_BULK_OU) {
      await ensureEntry(probe, bulkMoreOu(state), { objectClass: ['top', 'organizationalUnit'] });
    }
    present = await countBulkUsers(probe, state);
  } finally {
    await probe.unbind();
  }
  if (!options.withPasswords && count - present > OFFLINE_ABOVE) {
    const result = await addBulkUsersOffline(state, count, bulkMoreOu(state), log);
    return { ...result, seconds: seconds() };
  }
  const result = await addOverLdap(state, count, log, options);
  return { ...result, seconds: seconds() };
}

async function exists(client: Client, dn: string): Promise<boolean> {
  try {
    await client.search(dn, { scope: 'base', attributes: ['cn'] });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 32) return false; // noSuchObject
    throw error;
  }
}

async function countBulkUsers(client: Client, state: LabState): Promise<number> {
  let users = 0;
  for await (const page of client.searchPaginated(state.ous.bulk, {
    scope: 'sub',
    filter: '(&(objectClass=user)(sAMAccountName=bulk*))',
    attributes: ['cn'],
    paged: { pageSize: 1_000 },
  })) {
    users += page.searchEntries.length;
  }
  return users;
}

async function addOverLdap(
  state: LabState,
  count: number,
  log: (line: string) => void,
  options: { readonly withPasswords?: boolean; readonly connections?: number },
): Promise<{ created: number; existing: number }> {
  const connections = options.connections ?? 6;
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
  return { created, existing };
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
    await addEntry(client, bulkUserDn(state, index), {
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
