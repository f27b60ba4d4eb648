import path from 'node:path';
import type { LabPaths } from '../lab-layout.js';

/**
 * Fixed facts of the OpenLDAP lab: one slapd on loopback, on its own ports (389/636 belong
 * to the Samba AD lab), with a suffix of its own so no test mixes the two directories up.
 */
export const OPENLDAP_SUFFIX = 'dc=ferry,dc=test';
export const OPENLDAP_ROOT_DN = `cn=admin,${OPENLDAP_SUFFIX}`;
export const OPENLDAP_LDAP_PORT = 3890;
export const OPENLDAP_LDAPS_PORT = 6360;
export const OPENLDAP_LDAP_URL = `ldap://127.0.0.1:${OPENLDAP_LDAP_PORT}`;
export const OPENLDAP_LDAPS_URL = `ldaps://127.0.0.1:${OPENLDAP_LDAPS_PORT}`;
export const OPENLDAP_ACCESSLOG_SUFFIX = 'cn=accesslog';

const people = `ou=people,${OPENLDAP_SUFFIX}`;
export const openLdapOus = {
  root: OPENLDAP_SUFFIX,
  staff: people,
  tests: `ou=tests,${people}`,
  bulk: `ou=bulk,${people}`,
  service: `ou=service,${OPENLDAP_SUFFIX}`,
  outside: `ou=outside,${OPENLDAP_SUFFIX}`,
  groups: `ou=groups,${OPENLDAP_SUFFIX}`,
  policies: `ou=policies,${OPENLDAP_SUFFIX}`,
} as const;

/** The ppolicy entries: the default one, and per-user ones named by pwdPolicySubentry. */
export const openLdapPolicies = {
  default: `cn=default,${openLdapOus.policies}`,
  minAgeZero: `cn=min-age-zero,${openLdapOus.policies}`,
  lockoutThree: `cn=lockout-three,${openLdapOus.policies}`,
  grace: `cn=grace-two,${openLdapOus.policies}`,
} as const;

export const OPENLDAP_SERVICE_DN = `uid=svc-ferry,${openLdapOus.service}`;
export const OPENLDAP_NO_RIGHTS_DN = `uid=svc-norights,${openLdapOus.service}`;

/** Everything slapd owns, under the lab folder: `.lab/openldap/`. */
export interface OpenLdapPaths {
  readonly dir: string;
  readonly configDir: string;
  readonly dataDir: string;
  readonly accesslogDir: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly stateFile: string;
}

export function openLdapPaths(lab: LabPaths): OpenLdapPaths {
  const dir = path.join(lab.root, 'openldap');
  return {
    dir,
    configDir: path.join(dir, 'slapd.d'),
    dataDir: path.join(dir, 'data'),
    accesslogDir: path.join(dir, 'accesslog'),
    pidFile: path.join(lab.root, 'slapd.pid'),
    logFile: path.join(lab.root, 'slapd.log'),
    stateFile: path.join(lab.root, 'openldap.json'),
  };
}
