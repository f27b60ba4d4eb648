import type { SyncedUser } from '@ferry/protocol';
import { generalizedTime, LOCKED_FOR_EVER } from '../../directory/openldap/openldap-user.js';
import type { LdapEntry } from '../synced-user-mapping.js';

/** What the OpenLDAP mapping reads (operational attributes named, since `*` omits them). */
export const OPENLDAP_SYNCED_USER_ATTRIBUTES: readonly string[] = [
  'entryUUID',
  'uid',
  'mail',
  'displayName',
  'cn',
  'givenName',
  'sn',
  'memberOf',
  'pwdAccountLockedTime',
  'pwdChangedTime',
  'pwdReset',
];

/**
 * Attributes a change may touch without changing a synced user: a failed bind writes
 * pwdFailureTime (ppolicy), a successful one may write pwdLastSuccess, a grace login
 * pwdGraceUseTime, and every write the operational stamps. A logged change touching only
 * these is noise, not a change to send.
 */
const NOISE = new Set(
  [
    'pwdFailureTime',
    'pwdLastSuccess',
    'pwdGraceUseTime',
    'entryCSN',
    'modifiersName',
    'modifyTimestamp',
  ].map((name) => name.toLowerCase()),
);

/** True when an accesslog modify record (its reqMod lines) touches only noise attributes. */
export function onlyNoise(reqMods: readonly string[]): boolean {
  return reqMods.every((line) => {
    const name = /^([^:;]+)/.exec(line)?.[1]?.toLowerCase();
    return name !== undefined && NOISE.has(name);
  });
}

function first(entry: LdapEntry, name: string): string | null {
  const value = entry[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single === null ? null : String(single);
}

export function all(entry: LdapEntry, name: string): string[] {
  const value = entry[name];
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The entryUUID of an entry, lower-case: the OpenLDAP dialect's source anchor. */
export function openLdapAnchor(entry: LdapEntry): string {
  const uuid = first(entry, 'entryUUID');
  if (!uuid) throw new Error(`entry ${entry.dn} has no entryUUID`);
  return uuid.toLowerCase();
}

/**
 * An OpenLDAP user (inetOrgPerson, ppolicy state) in the shape the cloud stores for AD
 * users, with the connector's reference mapping: sAMAccountName ← uid, userPrincipalName
 * ← mail. Disabled is ppolicy's administrative lock ("locked for ever"); locked out is any
 * other pwdAccountLockedTime; must change is pwdReset.
 */
export function toSyncedOpenLdapUser(
  entry: LdapEntry,
  extraAttributes: readonly string[],
): SyncedUser {
  const locked = first(entry, 'pwdAccountLockedTime');
  const lockedOut = locked !== null && locked !== LOCKED_FOR_EVER;
  const extra: Record<string, string[]> = {};
  for (const name of extraAttributes) {
    const values = all(entry, name);
    if (values.length > 0) extra[name] = values;
  }
  return {
    sourceAnchor: openLdapAnchor(entry),
    onPremDn: entry.dn,
    userPrincipalName: first(entry, 'mail'),
    sAMAccountName: first(entry, 'uid') ?? '',
    mail: first(entry, 'mail'),
    displayName: first(entry, 'displayName') ?? first(entry, 'cn'),
    givenName: first(entry, 'givenName'),
    sn: first(entry, 'sn'),
    enabled: locked !== LOCKED_FOR_EVER,
    lockedOut,
    lockoutTime: lockedOut ? (generalizedTime(locked ?? undefined)?.toISOString() ?? null) : null,
    passwordLastSet:
      generalizedTime(first(entry, 'pwdChangedTime') ?? undefined)?.toISOString() ?? null,
    mustChangePassword: first(entry, 'pwdReset')?.toUpperCase() === 'TRUE',
    groups: all(entry, 'memberOf'),
    extra,
  };
}
