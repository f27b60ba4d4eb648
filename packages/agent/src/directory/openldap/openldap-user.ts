import type { Client } from 'ldapts';
import { escapeFilter, SizeLimitExceededError } from 'ldapts';
import { isGuid } from '../ad/ad-guid.js';
import type {
  DirectoryAccount,
  DirectoryUser,
  Entry,
  LookupResult,
  UserReference,
} from '../ad/ad-user.js';
import { text } from '../ad/ad-user.js';

/** ppolicy's administrative lock, "locked until an administrator unlocks": disabled. */
export const LOCKED_FOR_EVER = '000001010000Z';

/**
 * An OpenLDAP account in the agent's account shape. The references map to this dialect's
 * attributes: objectGUID → entryUUID, sAMAccountName → uid, userPrincipalName → mail.
 */
export interface OpenLdapAccount extends DirectoryUser {
  /** pwdAccountLockedTime as stored (absent: not locked). */
  readonly lockedTime: string | undefined;
  /** pwdPolicySubentry: the user's own policy entry, else the default policy applies. */
  readonly policyDn: string | undefined;
}

export const openLdapUserAttributes = [
  'entryUUID',
  'uid',
  'mail',
  'displayName',
  'cn',
  'pwdChangedTime',
  'pwdReset',
  'pwdAccountLockedTime',
  'pwdPolicySubentry',
];

export function openLdapUserFilter(reference: UserReference): string {
  const person = '(objectClass=inetOrgPerson)';
  switch (reference.by) {
    case 'objectGUID':
      if (!isGuid(reference.value)) throw new TypeError('objectGUID reference is not a UUID');
      return `(&${person}${escapeFilter`(entryUUID=${reference.value.toLowerCase()})`})`;
    case 'userPrincipalName':
      return `(&${person}${escapeFilter`(mail=${reference.value})`})`;
    case 'sAMAccountName':
      return `(&${person}${escapeFilter`(uid=${reference.value})`})`;
  }
}

/** LDAP GeneralizedTime (20261203145230Z or with fractions) as a Date. */
export function generalizedTime(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d+))?Z$/.exec(value ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
  return new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, ms));
}

export function toOpenLdapAccount(entry: Entry): OpenLdapAccount {
  const lockedTime = text(entry, 'pwdAccountLockedTime');
  const changed = text(entry, 'pwdChangedTime');
  const account: DirectoryAccount = {
    dn: entry.dn,
    objectGUID: text(entry, 'entryUUID') ?? '',
    sAMAccountName: text(entry, 'uid') ?? '',
    userPrincipalName: text(entry, 'mail'),
    displayName: text(entry, 'displayName') ?? text(entry, 'cn'),
    enabled: lockedTime !== LOCKED_FOR_EVER,
    passwordNeverExpires: false,
    mustChangePassword: text(entry, 'pwdReset')?.toUpperCase() === 'TRUE',
    passwordLastSet: generalizedTime(changed),
    passwordLastSetStamp: changed ?? '',
    accountExpires: undefined,
    // OpenLDAP has no protected-group marker: no account is refused as AD's adminCount=1.
    protected: false,
  };
  return {
    ...account,
    lockedOut: lockedTime !== undefined && lockedTime !== LOCKED_FOR_EVER,
    // Expiry depends on the policy's maximum age; slapd says so at bind time.
    passwordExpired: false,
    resultantPsoDn: text(entry, 'pwdPolicySubentry'),
    lockedTime,
    policyDn: text(entry, 'pwdPolicySubentry'),
  };
}

export async function lookupOpenLdapUser(
  client: Client,
  baseDn: string,
  reference: UserReference,
): Promise<LookupResult<OpenLdapAccount>> {
  let searchEntries;
  try {
    ({ searchEntries } = await client.search(baseDn, {
      scope: 'sub',
      filter: openLdapUserFilter(reference),
      attributes: openLdapUserAttributes,
      sizeLimit: 2,
    }));
  } catch (error) {
    if (error instanceof SizeLimitExceededError) return { found: 'many', count: 2 };
    throw error;
  }
  if (searchEntries.length === 0) return { found: 'none' };
  if (searchEntries.length > 1) return { found: 'many', count: searchEntries.length };
  return { found: 'one', user: toOpenLdapAccount(searchEntries[0] as Entry) };
}
