import type { Client } from 'ldapts';
import { add } from '../lab-ldap.js';
import type { LabAccount } from '../lab-state.js';
import {
  OPENLDAP_ACCESSLOG_SUFFIX,
  OPENLDAP_LDAP_URL,
  OPENLDAP_LDAPS_URL,
  OPENLDAP_SUFFIX,
  openLdapOus,
  openLdapPolicies,
} from './openldap-layout.js';
import type { OpenLdapLabState } from './openldap-state.js';
import { createOpenLdapUser } from './openldap-users.js';

export const OPENLDAP_FIXTURES_VERSION = 1;

/**
 * The OpenLDAP lab's content, the counterpart of the AD lab's: named users for each
 * interesting state under ou=people (where the service account has `manage` on passwords),
 * one outside it, a service account and one without rights, and a group (memberof).
 */
export async function applyOpenLdapFixtures(
  client: Client,
  admin: LabAccount,
  caFile: string,
): Promise<OpenLdapLabState> {
  const service = (uid: string) =>
    createOpenLdapUser(client, {
      ouDn: openLdapOus.service,
      uid,
      // No lockout for the agent's own accounts: a test's bad bind must not lock them.
      policyDn: openLdapPolicies.minAgeZero,
    });
  const staff = (uid: string, givenName: string, sn: string, extra = {}) =>
    createOpenLdapUser(client, { ouDn: openLdapOus.staff, uid, givenName, sn, ...extra });
  const serviceAccount = await service('svc-ferry');
  const noRightsAccount = await service('svc-norights');
  const users: Record<string, LabAccount> = {
    alice: await staff('alice', 'Alice', 'Martin'),
    bob: await staff('bob', 'Bob', 'Durand'),
    carol: await staff('carol', 'Carol', 'Disabled', { disabled: true }),
    erin: await staff('erin', 'Erin', 'Newhire', { mustChange: true }),
    olga: await createOpenLdapUser(client, {
      ouDn: openLdapOus.outside,
      uid: 'olga',
      givenName: 'Olga',
      sn: 'Outside',
    }),
  };
  const staffGroup = `cn=staff,${openLdapOus.groups}`;
  try {
    await client.add(staffGroup, [
      ...[
        ['objectClass', 'groupOfNames'],
        ['cn', 'staff'],
      ].map(([type, value]) => add(type!, [value!]).modification),
      add('member', [users['alice']!.dn, users['bob']!.dn]).modification,
    ]);
  } catch (error) {
    if ((error as { code?: number }).code !== 68) throw error;
  }
  return {
    dialect: 'openldap',
    baseDn: OPENLDAP_SUFFIX,
    ldapUrl: OPENLDAP_LDAP_URL,
    ldapsUrl: OPENLDAP_LDAPS_URL,
    caFile,
    accesslogDn: OPENLDAP_ACCESSLOG_SUFFIX,
    ous: openLdapOus,
    policies: openLdapPolicies,
    admin,
    serviceAccount,
    noRightsAccount,
    users,
    fixturesVersion: OPENLDAP_FIXTURES_VERSION,
  };
}
