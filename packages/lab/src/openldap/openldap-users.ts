import type { Client } from 'ldapts';
import { addEntry, replace, type EntryAttributes } from '../lab-ldap.js';
import type { LabAccount } from '../lab-state.js';
import { labPassword } from '../lab-users.js';

/** ppolicy's "locked by an administrator, for ever" value: OpenLDAP's disabled account. */
export const PPOLICY_LOCKED_FOR_EVER = '000001010000Z';
export const OPENLDAP_MAIL_DOMAIN = 'ferry.test';

export interface OpenLdapUserSpec {
  readonly ouDn: string;
  readonly uid: string;
  readonly givenName?: string;
  readonly sn?: string;
  readonly password?: string;
  readonly disabled?: boolean;
  readonly mustChange?: boolean;
  /** A pwdPolicy entry for this user instead of the default policy. */
  readonly policyDn?: string;
}

/**
 * Adds an inetOrgPerson with a cleartext password (ppolicy hashes it). An existing entry is
 * replaced, so a user never keeps state from an earlier run.
 */
export async function createOpenLdapUser(
  client: Client,
  spec: OpenLdapUserSpec,
): Promise<LabAccount> {
  const password = spec.password ?? labPassword();
  const dn = `uid=${spec.uid},${spec.ouDn}`;
  const mail = `${spec.uid}@${OPENLDAP_MAIL_DOMAIN}`;
  const givenName = spec.givenName ?? spec.uid;
  const sn = spec.sn ?? spec.uid;
  const attributes: EntryAttributes = {
    objectClass: ['inetOrgPerson'],
    uid: spec.uid,
    cn: `${givenName} ${sn}`,
    givenName,
    sn,
    displayName: `${givenName} ${sn}`,
    mail,
    userPassword: password,
  };
  if (spec.policyDn) attributes['pwdPolicySubentry'] = spec.policyDn;
  try {
    await addEntry(client, dn, attributes);
  } catch (error) {
    if ((error as { code?: number }).code !== 68) throw error;
    await client.del(dn);
    await addEntry(client, dn, attributes);
  }
  if (spec.mustChange) await client.modify(dn, [replace('pwdReset', ['TRUE'])]);
  if (spec.disabled) {
    await client.modify(dn, [replace('pwdAccountLockedTime', [PPOLICY_LOCKED_FOR_EVER])]);
  }
  return { dn, sAMAccountName: spec.uid, userPrincipalName: mail, password };
}
