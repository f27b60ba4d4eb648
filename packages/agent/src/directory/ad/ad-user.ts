import type { UserReference } from '@ferry/protocol';
import type { Client } from 'ldapts';
import {
  AndFilter,
  EqualityFilter,
  escapeFilter,
  SizeLimitExceededError,
  type Filter,
} from 'ldapts';
import { guidBytesToString, guidStringToBytes, isGuid } from './ad-guid.js';
import { filetimeToDate } from './ad-time.js';
import { markerText } from './write-marker.js';

export type { UserReference };

const UAC_ACCOUNTDISABLE = 0x2;
const UAC_DONT_EXPIRE_PASSWORD = 0x10000;
const COMPUTED_LOCKOUT = 0x10;
const COMPUTED_PASSWORD_EXPIRED = 0x800000;

/** What the directory stores about an account: enough to decide on a write and make it. */
export interface DirectoryAccount {
  readonly dn: string;
  readonly objectGUID: string;
  readonly sAMAccountName: string;
  readonly userPrincipalName: string | undefined;
  readonly displayName: string | undefined;
  readonly enabled: boolean;
  readonly passwordNeverExpires: boolean;
  /** pwdLastSet = 0: the user must change the password at next logon. */
  readonly mustChangePassword: boolean;
  readonly passwordLastSet: Date | undefined;
  /** pwdLastSet as the DC stores it: any write of the password changes it. */
  readonly passwordLastSetStamp: string;
  readonly accountExpires: Date | undefined;
  /** adminCount=1: a member (now or once) of a protected group. */
  readonly protected: boolean;
  /** The write marker as read (ADR 0011); only a write's lookup asks for it. */
  readonly writeMarker?: string | undefined;
}

/**
 * An account with the states the DC constructs on each read: lockout, expiry and the
 * resultant PSO. Constructing them costs the DC about 1 ms a search (Samba: 1.5 ms with,
 * 0.6 ms without), so a write's lookup leaves them out.
 */
export interface DirectoryUser extends DirectoryAccount {
  readonly lockedOut: boolean;
  readonly passwordExpired: boolean;
  readonly resultantPsoDn: string | undefined;
}

export const accountAttributes = [
  'objectGUID',
  'sAMAccountName',
  'userPrincipalName',
  'displayName',
  'userAccountControl',
  'pwdLastSet',
  'accountExpires',
  'adminCount',
];

export const RESULTANT_PSO = 'msDS-ResultantPSO';

export const userAttributes = [
  ...accountAttributes,
  'msDS-User-Account-Control-Computed',
  RESULTANT_PSO,
];

/**
 * The search filter for a reference. objectGUID is matched as raw bytes through a filter
 * object: a string filter would re-encode the escaped bytes as UTF-8 and never match.
 */
export function userFilter(reference: UserReference): Filter | string {
  const person = '(objectCategory=person)(objectClass=user)';
  switch (reference.by) {
    case 'objectGUID':
      if (!isGuid(reference.value)) throw new TypeError('objectGUID reference is not a GUID');
      return new AndFilter({
        filters: [
          new EqualityFilter({ attribute: 'objectCategory', value: 'person' }),
          new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
          new EqualityFilter({
            attribute: 'objectGUID',
            value: guidStringToBytes(reference.value),
          }),
        ],
      });
    case 'userPrincipalName':
      return `(&${person}${escapeFilter`(userPrincipalName=${reference.value})`})`;
    case 'sAMAccountName':
      return `(&${person}${escapeFilter`(sAMAccountName=${reference.value})`})`;
  }
}

export type Entry = Record<string, unknown> & { dn: string };

export function text(entry: Entry, name: string): string | undefined {
  const value = entry[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined ? undefined : String(single);
}

export function toDirectoryAccount(entry: Entry): DirectoryAccount {
  const guid = entry['objectGUID'];
  if (!Buffer.isBuffer(guid)) throw new Error(`entry ${entry.dn} has no objectGUID`);
  const uac = Number(text(entry, 'userAccountControl') ?? '0');
  const pwdLastSet = text(entry, 'pwdLastSet');
  return {
    dn: entry.dn,
    objectGUID: guidBytesToString(guid),
    sAMAccountName: text(entry, 'sAMAccountName') ?? '',
    userPrincipalName: text(entry, 'userPrincipalName'),
    displayName: text(entry, 'displayName'),
    enabled: (uac & UAC_ACCOUNTDISABLE) === 0,
    passwordNeverExpires: (uac & UAC_DONT_EXPIRE_PASSWORD) !== 0,
    mustChangePassword: pwdLastSet === '0',
    passwordLastSet: filetimeToDate(pwdLastSet),
    passwordLastSetStamp: pwdLastSet ?? '',
    accountExpires: filetimeToDate(text(entry, 'accountExpires')),
    protected: text(entry, 'adminCount') === '1',
  };
}

export function toDirectoryUser(entry: Entry): DirectoryUser {
  const computed = Number(text(entry, 'msDS-User-Account-Control-Computed') ?? '0');
  return {
    ...toDirectoryAccount(entry),
    lockedOut: (computed & COMPUTED_LOCKOUT) !== 0,
    passwordExpired: (computed & COMPUTED_PASSWORD_EXPIRED) !== 0,
    resultantPsoDn: text(entry, RESULTANT_PSO),
  };
}

export type LookupResult<User = DirectoryUser> =
  | { readonly found: 'one'; readonly user: User }
  | { readonly found: 'none' }
  | { readonly found: 'many'; readonly count: number };

/** The user with every attribute the agent reads, constructed states included. */
export function lookupUser(
  client: Client,
  baseDn: string,
  reference: UserReference,
): Promise<LookupResult> {
  return lookupOne(client, baseDn, reference, userAttributes, toDirectoryUser);
}

/**
 * The account as stored, for a write (the policy is read only if AD refuses), with the write
 * marker the write will be conditional on.
 */
export function lookupAccount(
  client: Client,
  baseDn: string,
  reference: UserReference,
  markerAttribute: string,
): Promise<LookupResult<DirectoryAccount>> {
  return lookupOne(client, baseDn, reference, [...accountAttributes, markerAttribute], (entry) => ({
    ...toDirectoryAccount(entry),
    writeMarker: markerText(entry[markerAttribute]),
  }));
}

async function lookupOne<User>(
  client: Client,
  baseDn: string,
  reference: UserReference,
  attributes: readonly string[],
  toUser: (entry: Entry) => User,
): Promise<LookupResult<User>> {
  let searchEntries;
  try {
    ({ searchEntries } = await client.search(baseDn, {
      scope: 'sub',
      filter: userFilter(reference),
      attributes: [...attributes],
      explicitBufferAttributes: ['objectGUID'],
      sizeLimit: 2,
    }));
  } catch (error) {
    if (error instanceof SizeLimitExceededError) return { found: 'many', count: 2 };
    throw error;
  }
  if (searchEntries.length === 0) return { found: 'none' };
  if (searchEntries.length > 1) return { found: 'many', count: searchEntries.length };
  return { found: 'one', user: toUser(searchEntries[0] as Entry) };
}
