import type { Outcome } from '@ferry/protocol';
import { Attribute, Change } from 'ldapts';
import type { ResetOptions } from '../directory-connector.js';
import { LOCKED_FOR_EVER, type OpenLdapAccount } from './openldap-user.js';
import type { PpolicyError, PpolicyResponse } from './ppolicy-control.js';

/** The Relax Rules control: lets a `manage` holder write pwdChangedTime (unexpire). */
export const RELAX_RULES_OID = '1.3.6.1.4.1.4203.666.5.12';

/** A replace with no values removes an attribute, present or not, without failing. */
export function replace(type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

export function generalizedNow(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * The write that follows a reset. slapd marks a reset by a `manage` holder with pwdReset
 * (policy pwdMustChange): kept only when asked. slapd also lifts any lock on a new
 * password: a disabled account (locked for ever), or one not to be unlocked, gets it back.
 */
export function changesAfterReset(user: OpenLdapAccount, options: ResetOptions): Change[] {
  const keepLock =
    user.lockedTime !== undefined &&
    (user.lockedTime === LOCKED_FOR_EVER || options.unlock === false);
  return [
    replace('pwdReset', options.mustChangeAtNextLogon ? ['TRUE'] : []),
    replace('pwdAccountLockedTime', keepLock && user.lockedTime ? [user.lockedTime] : []),
  ];
}

const ruleErrors = new Set<PpolicyError>([
  'passwordTooShort',
  'passwordTooLong',
  'passwordTooYoung',
  'passwordInHistory',
  'insufficientPasswordQuality',
]);

/**
 * slapd exempts a `manage` holder from every rule: a rule named on the service account's
 * reset means it lacks `manage` on this user's password (e.g. outside its subtree).
 */
export function missingManage(
  user: OpenLdapAccount,
  response: PpolicyResponse | undefined,
): Outcome | undefined {
  const error = response?.error;
  if (error === undefined || !ruleErrors.has(error)) return undefined;
  return {
    code: 'access_denied',
    detail: `the service account lacks manage on userPassword of ${user.dn}: slapd applied the user's rules (${error})`,
  };
}
