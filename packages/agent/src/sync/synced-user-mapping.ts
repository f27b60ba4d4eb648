import type { SyncedUser } from '@ferry/protocol';
import { filetimeToDate, guidBytesToString } from '../directory/index.js';

const UAC_ACCOUNTDISABLE = 0x2;
const COMPUTED_LOCKOUT = 0x10;

/** What the default mapping reads; configured extras are appended. */
export const SYNCED_USER_ATTRIBUTES: readonly string[] = [
  'objectGUID',
  'userPrincipalName',
  'sAMAccountName',
  'mail',
  'displayName',
  'givenName',
  'sn',
  'userAccountControl',
  'lockoutTime',
  'msDS-User-Account-Control-Computed',
  'pwdLastSet',
  'memberOf',
];

export type LdapEntry = Record<string, unknown> & { dn: string };

function first(entry: LdapEntry, name: string): string | null {
  const value = entry[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single === null ? null : String(single);
}

function all(entry: LdapEntry, name: string): string[] {
  const value = entry[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function iso(filetime: string | null): string | null {
  return filetimeToDate(filetime ?? undefined)?.toISOString() ?? null;
}

/** The objectGUID of an entry read with objectGUID as a buffer attribute. */
export function entryAnchor(entry: LdapEntry): string {
  const value = entry['objectGUID'];
  const bytes = Array.isArray(value) ? value[0] : value;
  if (!Buffer.isBuffer(bytes)) throw new Error(`entry ${entry.dn} has no objectGUID`);
  return guidBytesToString(bytes);
}

/**
 * An AD user entry as the cloud stores it. Locked out: the DC's computed flag when it
 * returns it (it accounts for the lockout duration), else a non-zero lockoutTime.
 */
export function toSyncedUser(entry: LdapEntry, extraAttributes: readonly string[]): SyncedUser {
  const uac = Number(first(entry, 'userAccountControl') ?? '0');
  const computed = first(entry, 'msDS-User-Account-Control-Computed');
  const lockoutTime = first(entry, 'lockoutTime');
  const pwdLastSet = first(entry, 'pwdLastSet');
  const extra: Record<string, string[]> = {};
  for (const name of extraAttributes) {
    const values = all(entry, name);
    if (values.length > 0) extra[name] = values;
  }
  return {
    sourceAnchor: entryAnchor(entry),
    onPremDn: entry.dn,
    userPrincipalName: first(entry, 'userPrincipalName'),
    sAMAccountName: first(entry, 'sAMAccountName') ?? '',
    mail: first(entry, 'mail'),
    displayName: first(entry, 'displayName'),
    givenName: first(entry, 'givenName'),
    sn: first(entry, 'sn'),
    enabled: (uac & UAC_ACCOUNTDISABLE) === 0,
    lockedOut:
      computed === null
        ? lockoutTime !== null && lockoutTime !== '0'
        : (Number(computed) & COMPUTED_LOCKOUT) !== 0,
    lockoutTime: iso(lockoutTime),
    passwordLastSet: iso(pwdLastSet),
    mustChangePassword: pwdLastSet === '0',
    groups: all(entry, 'memberOf'),
    extra,
  };
}
