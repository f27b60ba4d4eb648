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

export type { UserReference };

const UAC_ACCOUNTDISABLE = 0x2;
const UAC_DONT_EXPIRE_PASSWORD = 0x10000;
const COMPUTED_LOCKOUT = 0x10;
const COMPUTED_PASSWORD_EXPIRED = 0x800000;

export interface DirectoryUser {
  readonly dn: string;
  readonly objectGUID: string;
  readonly sAMAccountName: string;
  readonly userPrincipalName: string | undefined;
  readonly displayName: string | undefined;
  readonly enabled: boolean;
  readonly lockedOut: boolean;
  readonly passwordExpired: boolean;
  readonly passwordNeverExpires: boolean;
  /** pwdLastSet = 0: the user must change the password at next logon. */
  readonly mustChangePassword: boolean;
  readonly passwordLastSet: Date | undefined;
  /** pwdLastSet as the DC stores it: any write of the password changes it. */
  readonly passwordLastSetStamp: string;
  readonly accountExpires: Date | undefined;
  /** adminCount=1: a member (now or once) of a protected group. */
  readonly protected: boolean;
  readonly resultantPsoDn: string | undefined;
}

export const userAttributes = [
  'objectGUID',
  'sAMAccountName',
  'userPrincipalName',
  'displayName',
  'userAccountControl',
  'msDS-User-Account-Control-Computed',
  'pwdLastSet',
  'accountExpires',
  'adminCount',
  'msDS-ResultantPSO',
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

type Entry = Record<string, unknown> & { dn: string };

function text(entry: Entry, name: string): string | undefined {
  const value = entry[name];
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined ? undefined : String(single);
}

export function toDirectoryUser(entry: Entry): DirectoryUser {
  const guid = entry['objectGUID'];
  if (!Buffer.isBuffer(guid)) throw new Error(`entry ${entry.dn} has no objectGUID`);
  const uac = Number(text(entry, 'userAccountControl') ?? '0');
  const computed = Number(text(entry, 'msDS-User-Account-Control-Computed') ?? '0');
  const pwdLastSet = text(entry, 'pwdLastSet');
  return {
    dn: entry.dn,
    objectGUID: guidBytesToString(guid),
    sAMAccountName: text(entry, 'sAMAccountName') ?? '',
    userPrincipalName: text(entry, 'userPrincipalName'),
    displayName: text(entry, 'displayName'),
    enabled: (uac & UAC_ACCOUNTDISABLE) === 0,
    lockedOut: (computed & COMPUTED_LOCKOUT) !== 0,
    passwordExpired: (computed & COMPUTED_PASSWORD_EXPIRED) !== 0,
    passwordNeverExpires: (uac & UAC_DONT_EXPIRE_PASSWORD) !== 0,
    mustChangePassword: pwdLastSet === '0',
    passwordLastSet: filetimeToDate(pwdLastSet),
    passwordLastSetStamp: pwdLastSet ?? '',
    accountExpires: filetimeToDate(text(entry, 'accountExpires')),
    protected: text(entry, 'adminCount') === '1',
    resultantPsoDn: text(entry, 'msDS-ResultantPSO'),
  };
}

export type LookupResult =
  | { readonly found: 'one'; readonly user: DirectoryUser }
  | { readonly found: 'none' }
  | { readonly found: 'many'; readonly count: number };

export async function lookupUser(
  client: Client,
  baseDn: string,
  reference: UserReference,
): Promise<LookupResult> {
  let searchEntries;
  try {
    ({ searchEntries } = await client.search(baseDn, {
      scope: 'sub',
      filter: userFilter(reference),
      attributes: userAttributes,
      explicitBufferAttributes: ['objectGUID'],
      sizeLimit: 2,
    }));
  } catch (error) {
    if (error instanceof SizeLimitExceededError) return { found: 'many', count: 2 };
    throw error;
  }
  if (searchEntries.length === 0) return { found: 'none' };
  if (searchEntries.length > 1) return { found: 'many', count: searchEntries.length };
  return { found: 'one', user: toDirectoryUser(searchEntries[0] as Entry) };
}
