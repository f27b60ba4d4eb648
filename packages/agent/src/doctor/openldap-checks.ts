import { randomBytes } from 'node:crypto';
import { Attribute, Change, type Client } from 'ldapts';
import type { AgentConfig } from '../config/agent-config.js';
import { text, type Entry } from '../directory/ad/ad-user.js';
import { readRootDse } from '../directory/ad/root-dse.js';
import {
  PasswordPolicyControl,
  PPOLICY_CONTROL_OID,
} from '../directory/openldap/ppolicy-control.js';
import { namingContextOf, readOpenLdapMark } from '../sync/openldap/openldap-mark.js';
import { openLdapPeopleFilter } from '../sync/openldap/openldap-read.js';
import { SyncScope } from '../sync/sync-scope.js';
import { check, type CheckResult } from './doctor-check.js';

export type OpenLdapSettings = Pick<
  AgentConfig,
  | 'bindDn'
  | 'baseDn'
  | 'syncIncludeOus'
  | 'syncExcludeOus'
  | 'ppolicyDefaultDn'
  | 'sync'
  | 'syncAccesslogDn'
>;

/** Users counted in scope at most (a doctor run stays quick on a large directory). */
const SCAN_LIMIT = 5_000;

const code = (error: unknown): number | undefined => (error as { code?: number }).code;

/**
 * The OpenLDAP doctor: users in scope, `manage` on userPassword (a probe that changes
 * nothing), the ppolicy overlay and its default policy, and (with sync on) the accesslog.
 */
export async function openLdapChecks(
  client: Client,
  config: OpenLdapSettings,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const scope = new SyncScope(config.baseDn, config.syncIncludeOus, config.syncExcludeOus);
  const users: string[] = [];
  for (const base of scope.searchBases) {
    try {
      const { searchEntries } = await client.search(base, {
        scope: 'sub',
        filter: openLdapPeopleFilter(undefined),
        attributes: ['1.1'],
        paged: { pageSize: 500 },
        sizeLimit: SCAN_LIMIT,
      });
      users.push(...searchEntries.map((entry) => entry.dn).filter((dn) => scope.contains(dn)));
    } catch (error) {
      if (code(error) !== 4) throw error; // 4: the size limit reached, users found are enough
    }
  }
  results.push(
    check(
      'users_in_scope',
      'Users in scope',
      users.length > 0 ? 'pass' : 'warn',
      `${users.length} inetOrgPerson entries under ${scope.searchBases.join('; ')}`,
      'Check baseDn and syncIncludeOus: they must hold the users SSPR serves.',
    ),
  );
  // The connector's default when none is configured, under the naming context (the base DN
  // may be an OU below it).
  const suffix = await namingContextOf(client, config.baseDn);
  const policyDn = config.ppolicyDefaultDn ?? `cn=default,ou=policies,${suffix}`;
  results.push(await ppolicyCheck(client, policyDn));
  if (users[0]) results.push(await manageCheck(client, config.bindDn, users[0], policyDn));
  results.push(await accesslogCheck(client, config));
  return results;
}

const manageFix = (bindDn: string) =>
  `Grant the service account manage on the password attributes of the users' subtree, in the database's olcAccess, before any rule that matches them, e.g.\n` +
  `olcAccess: to dn.subtree="<users' OU>" attrs=userPassword by dn.exact="${bindDn}" manage by self write by anonymous auth by * none\n` +
  `olcAccess: to dn.subtree="<users' OU>" attrs=pwdReset,pwdAccountLockedTime,pwdFailureTime,pwdChangedTime by dn.exact="${bindDn}" manage by self read by users read by * none\n` +
  "(ldapmodify -Y EXTERNAL -H ldapi:/// as root; `write` is not enough: slapd then treats resets as the user's own change)";

/**
 * `manage` on userPassword, by a probe that changes nothing: one modify of a user in scope
 * that deletes a userPassword value nobody has and adds a one-character one. ppolicy lets
 * only a `manage` holder past its rules, so with `manage` the modify reaches the database
 * and fails there (noSuchAttribute, 16: the delete found no such value; nothing is written);
 * with `write` only, ppolicy refuses the new password (constraintViolation, 19, the rule
 * named in its control); with no right it is refused (19 or insufficientAccess, 50). A
 * policy no one-character password breaks (pwdCheckQuality 0) cannot tell the two apart:
 * the check then warns.
 */
async function manageCheck(
  client: Client,
  bindDn: string,
  userDn: string,
  defaultPolicyDn: string,
): Promise<CheckResult> {
  const title = 'Service account may reset passwords (manage on userPassword)';
  const nonsense = `ferry-doctor-probe-${randomBytes(12).toString('hex')}`;
  const control = new PasswordPolicyControl();
  const probe = [
    new Change({
      operation: 'delete',
      modification: new Attribute({ type: 'userPassword', values: [nonsense] }),
    }),
    new Change({
      operation: 'add',
      modification: new Attribute({ type: 'userPassword', values: ['x'] }),
    }),
  ];
  try {
    await client.modify(userDn, probe, control);
    // Unreachable: the delete names a value no entry has. Say what happened rather than guess.
    return check('right_reset_password', title, 'warn', `the probe modify of ${userDn} succeeded`);
  } catch (error) {
    const result = code(error);
    if (result === 16) {
      const quality = await qualityChecked(client, userDn, defaultPolicyDn);
      return quality
        ? check(
            'right_reset_password',
            title,
            'pass',
            `a probe modify of ${userDn} passed ppolicy's rules (which only manage skips) and was refused by the database (noSuchAttribute; nothing written)`,
          )
        : check(
            'right_reset_password',
            title,
            'warn',
            `the probe reached the database, but ${userDn}'s policy checks no quality (pwdCheckQuality 0), so write and manage look alike`,
            manageFix(bindDn),
          );
    }
    const rule = control.response?.error;
    return check(
      'right_reset_password',
      title,
      'fail',
      `a probe modify of ${userDn} was refused with result ${result ?? 'unknown'}${rule ? ` (ppolicy: ${rule})` : ''}: the account lacks manage on userPassword`,
      manageFix(bindDn),
    );
  }
}

async function qualityChecked(client: Client, userDn: string, defaultDn: string): Promise<boolean> {
  const { searchEntries } = await client.search(userDn, {
    scope: 'base',
    attributes: ['pwdPolicySubentry'],
  });
  const policyDn = text(searchEntries[0] as Entry, 'pwdPolicySubentry') ?? defaultDn;
  const { searchEntries: policies } = await client
    .search(policyDn, { scope: 'base', attributes: ['pwdCheckQuality', 'pwdMinLength'] })
    .catch(() => ({ searchEntries: [] }));
  const policy = policies[0] as Entry | undefined;
  return (
    policy !== undefined &&
    Number(text(policy, 'pwdCheckQuality') ?? '0') > 0 &&
    Number(text(policy, 'pwdMinLength') ?? '0') > 1
  );
}

/** The ppolicy overlay (its control in the rootDSE) and the default policy entry readable. */
async function ppolicyCheck(client: Client, policyDn: string): Promise<CheckResult> {
  const title = 'ppolicy overlay with a default policy';
  const dse = await readRootDse(client);
  if (!dse.supportedControls.includes(PPOLICY_CONTROL_OID)) {
    return check(
      'ppolicy_overlay',
      title,
      'fail',
      `the rootDSE does not list the password policy control ${PPOLICY_CONTROL_OID}: the ppolicy overlay is not loaded`,
      "Load the ppolicy module (olcModuleLoad: ppolicy) and add the overlay to the users' database with olcPPolicyDefault naming the default pwdPolicy entry.",
    );
  }
  try {
    const { searchEntries } = await client.search(policyDn, {
      scope: 'base',
      filter: '(objectClass=pwdPolicy)',
      attributes: ['pwdMinLength', 'pwdInHistory', 'pwdMinAge', 'pwdMaxFailure'],
    });
    const entry = searchEntries[0] as Entry | undefined;
    if (entry) {
      const value = (name: string) => text(entry, name) ?? '0';
      return check(
        'ppolicy_overlay',
        title,
        'pass',
        `ppolicy loaded; ${policyDn}: pwdMinLength ${value('pwdMinLength')}, pwdInHistory ${value('pwdInHistory')}, pwdMinAge ${value('pwdMinAge')} s, pwdMaxFailure ${value('pwdMaxFailure')}`,
      );
    }
  } catch (error) {
    if (code(error) !== 32 && code(error) !== 50) throw error;
  }
  return check(
    'ppolicy_overlay',
    title,
    'fail',
    `ppolicy is loaded but ${policyDn} is not a pwdPolicy entry the service account can read`,
    'Set ppolicyDefaultDn (FERRY_AGENT_PPOLICY_DEFAULT_DN) to the overlay\'s olcPPolicyDefault, and let the service account read it (olcAccess: to dn.subtree="<policies>" by users read).',
  );
}

/** With sync on: contextCSN (syncprov) on the naming context and the accesslog readable. */
async function accesslogCheck(client: Client, config: OpenLdapSettings): Promise<CheckResult> {
  const title = 'Accesslog readable (sync deltas)';
  if (!config.sync) {
    return check('accesslog_readable', title, 'pass', 'sync is off: the accesslog is not read');
  }
  try {
    const mark = await readOpenLdapMark(client, config.baseDn, config.syncAccesslogDn);
    return check(
      'accesslog_readable',
      title,
      'pass',
      `${config.syncAccesslogDn} readable (oldest change ${mark.oldestLogged ?? 'none yet'}); contextCSN of ${mark.suffix} at ${mark.cursor.usn}`,
    );
  } catch (error) {
    return check(
      'accesslog_readable',
      title,
      'fail',
      (error as Error).message,
      `Add the syncprov and accesslog overlays to the users' database (olcAccessLogDB: ${config.syncAccesslogDn}, olcAccessLogOps: writes, olcAccessLogSuccess: TRUE, olcAccessLogPurge longer than an agent may be down), and on the accesslog database: olcAccess: to * by dn.exact="${config.bindDn}" read, olcLimits: dn.exact="${config.bindDn}" size=unlimited.`,
    );
  }
}
