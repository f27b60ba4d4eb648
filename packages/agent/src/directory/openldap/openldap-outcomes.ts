import { changeAllowedAt, evaluateDirectoryRules } from '@ferry/policy';
import {
  violation,
  type DirectoryPolicy,
  type Outcome,
  type RuleViolation,
  type Secret,
} from '@ferry/protocol';
import { ResultCodeError } from 'ldapts';
import { passwordContext, type AdOperation } from '../ad/ad-outcomes.js';
import { isConnectionFailure } from '../connection-errors.js';
import { DirectoryUnreachableError } from '../dc-endpoints.js';
import type { OpenLdapAccount } from './openldap-user.js';
import { LOCKED_FOR_EVER, generalizedTime } from './openldap-user.js';
import type { PpolicyResponse } from './ppolicy-control.js';

/**
 * The one place where OpenLDAP's answers become Ferry outcomes: the ppolicy response
 * control (which names the rule: too short, in history, too young, locked, change after
 * reset, expired) first, then the LDAP result code. slapd answers a wrong old password in a
 * Password Modify with 53 ("unwilling to verify old password"), not 49.
 */
export interface OpenLdapContext {
  readonly operation: AdOperation;
  readonly boundAs: 'service' | 'user';
  readonly ppolicy?: PpolicyResponse | undefined;
  readonly policy?: DirectoryPolicy | undefined;
  readonly user?: OpenLdapAccount | undefined;
  readonly newPassword?: Secret | undefined;
  readonly now: Date;
}

const LDAP_CONSTRAINT_VIOLATION = 19;
const LDAP_NO_SUCH_OBJECT = 32;
const LDAP_INVALID_CREDENTIALS = 49;
const LDAP_INSUFFICIENT_ACCESS = 50;
const LDAP_UNWILLING_TO_PERFORM = 53;

function detailOf(message: string): string {
  return message.replace(/\s+/g, ' ').trim().slice(0, 500);
}

export function translateOpenLdapFailure(error: unknown, context: OpenLdapContext): Outcome {
  if (error instanceof DirectoryUnreachableError || isConnectionFailure(error)) {
    return { code: 'directory_unavailable', detail: detailOf((error as Error).message) };
  }
  if (!(error instanceof ResultCodeError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'directory_error', detail: detailOf(message) };
  }
  const detail = detailOf(`LDAP ${error.code}: ${error.message}`);
  const named = ppolicyOutcome(context, detail);
  if (named) return named;
  switch (error.code) {
    case LDAP_UNWILLING_TO_PERFORM:
      if (/old password/i.test(error.message)) return { code: 'wrong_current_password', detail };
      return { code: 'directory_error', detail };
    case LDAP_INVALID_CREDENTIALS:
      return context.operation === 'change'
        ? { code: 'wrong_current_password', detail }
        : { code: 'invalid_credentials', detail };
    case LDAP_INSUFFICIENT_ACCESS:
      return context.operation === 'change' && context.boundAs === 'user'
        ? { code: 'change_not_allowed', detail }
        : { code: 'access_denied', detail };
    case LDAP_NO_SUCH_OBJECT:
      return { code: 'user_not_found', detail };
    case LDAP_CONSTRAINT_VIOLATION:
      if (context.newPassword) {
        return { code: 'policy_violation', rules: rulesFromText(error.message, context), detail };
      }
      return { code: 'directory_error', detail };
    default:
      return { code: 'directory_error', detail };
  }
}

/** The outcome the ppolicy control names, if it names one. */
export function ppolicyOutcome(context: OpenLdapContext, detail?: string): Outcome | undefined {
  const { policy, user } = context;
  const withDetail = detail === undefined ? {} : { detail };
  switch (context.ppolicy?.error) {
    case undefined:
      return undefined;
    case 'passwordTooShort':
      return rules([violation('too_short', 'directory', { minLength: policy?.minLength ?? 0 })]);
    case 'passwordTooLong':
      return rules([violation('too_long', 'directory', {})]);
    case 'insufficientPasswordQuality':
      return rules([violation('directory_filter', 'directory', {})]);
    case 'passwordInHistory':
      return rules([
        violation('history', 'directory', { historyLength: policy?.historyLength ?? 0 }),
      ]);
    case 'passwordTooYoung':
      return rules([minAgeViolation('directory', policy, user)]);
    case 'accountLocked':
      return lockedOutcome(user, policy, withDetail);
    case 'passwordExpired':
      return { code: 'password_expired', ...withDetail };
    case 'changeAfterReset':
      return { code: 'must_change_password', ...withDetail };
    case 'passwordModNotAllowed':
      return { code: 'change_not_allowed', ...withDetail };
    case 'mustSupplyOldPassword':
      return { code: 'wrong_current_password', ...withDetail };
  }
  function rules(found: RuleViolation[]): Outcome {
    return { code: 'policy_violation', rules: found, ...withDetail };
  }
}

function lockedOutcome(
  user: OpenLdapAccount | undefined,
  policy: DirectoryPolicy | undefined,
  withDetail: { detail?: string },
): Outcome {
  if (user?.lockedTime === LOCKED_FOR_EVER) return { code: 'account_disabled', ...withDetail };
  const lockedAt = generalizedTime(user?.lockedTime);
  if (lockedAt && policy && policy.lockoutDurationSeconds > 0) {
    const lockedUntil = new Date(lockedAt.getTime() + policy.lockoutDurationSeconds * 1000);
    return { code: 'locked_out', lockedUntil: lockedUntil.toISOString(), ...withDetail };
  }
  return { code: 'locked_out', ...withDetail };
}

function minAgeViolation(
  source: 'directory' | 'policy',
  policy: DirectoryPolicy | undefined,
  user: OpenLdapAccount | undefined,
): RuleViolation {
  const allowedAt = policy && user ? changeAllowedAt(policy, passwordContext(user)) : undefined;
  return violation('min_age', source, {
    minAgeSeconds: policy?.minAgeSeconds ?? 0,
    ...(allowedAt ? { allowedAt: allowedAt.toISOString() } : {}),
  });
}

/** slapd's texts when no control came back (a client that did not ask for it). */
function rulesFromText(message: string, context: OpenLdapContext): RuleViolation[] {
  const text = message.toLowerCase();
  const { policy, user } = context;
  if (text.includes('in history') || text.includes('not being changed')) {
    return [violation('history', 'directory', { historyLength: policy?.historyLength ?? 0 })];
  }
  if (text.includes('too young')) return [minAgeViolation('directory', policy, user)];
  if (text.includes('quality') && policy && context.newPassword && user) {
    const named = evaluateDirectoryRules(
      policy,
      context.newPassword.reveal(),
      passwordContext(user),
      context.now,
      { checkMinAge: false },
    );
    if (named.length > 0) return named;
  }
  return [violation('directory_filter', 'directory', {})];
}

/**
 * The rules the agent checks itself before a write its service account makes: slapd exempts
 * `manage` holders from every ppolicy rule. Length always (as AD applies it to resets);
 * minimum age and history when the user is the one resetting or changing.
 */
export function agentCheckedRules(
  policy: DirectoryPolicy,
  user: OpenLdapAccount,
  newPassword: Secret,
  options: { readonly asUser: boolean; readonly inHistory: boolean; readonly now: Date },
): RuleViolation[] {
  const found = evaluateDirectoryRules(
    policy,
    newPassword.reveal(),
    passwordContext(user),
    options.now,
    { checkMinAge: options.asUser },
  );
  if (options.asUser && options.inHistory) {
    found.push(violation('history', 'policy', { historyLength: policy.historyLength }));
  }
  return found;
}
