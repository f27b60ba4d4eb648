import { evaluateDirectoryRules, changeAllowedAt } from '@ferry/policy';
import {
  violation,
  type DirectoryPolicy,
  type Outcome,
  type RuleViolation,
  type Secret,
} from '@ferry/protocol';
import { ResultCodeError } from 'ldapts';
import { isConnectionFailure } from '../connection-errors.js';
import { DirectoryUnreachableError } from '../dc-endpoints.js';
import type { DirectoryAccount } from './ad-user.js';

/**
 * The one place where Active Directory's answers become Ferry outcomes: LDAP result codes,
 * the bind "data" sub-codes of AcceptSecurityContext, and the 0000052D / 00000056 password
 * errors. Where AD does not name the broken rule (Windows says only "0000052D ... data 0"),
 * the rule is named from the policy the agent read, never guessed from nothing.
 */
export type AdOperation =
  | 'reset'
  | 'change'
  | 'unlock'
  | 'force_change'
  | 'unexpire'
  | 'verify'
  | 'read'
  /** Swapping the write marker for a fence token (ADR 0016); no password. */
  | 'fence';

export interface TranslationContext {
  readonly operation: AdOperation;
  /** Who the failing request was sent as: the service account or the user themself. */
  readonly boundAs: 'service' | 'user';
  readonly policy?: DirectoryPolicy | undefined;
  readonly user?: DirectoryAccount | undefined;
  readonly newPassword?: Secret | undefined;
  readonly now: Date;
}

const LDAP_INVALID_CREDENTIALS = 49;
const LDAP_CONSTRAINT_VIOLATION = 19;
const LDAP_UNWILLING_TO_PERFORM = 53;
const LDAP_INSUFFICIENT_ACCESS = 50;
const LDAP_NO_SUCH_OBJECT = 32;

/** AcceptSecurityContext "data" sub-codes in a failed bind's diagnostic message. */
const bindDataOutcomes: Readonly<Record<string, Outcome['code']>> = {
  '525': 'user_not_found',
  '52e': 'invalid_credentials',
  '530': 'logon_restricted',
  '531': 'logon_restricted',
  '532': 'password_expired',
  '533': 'account_disabled',
  '701': 'account_expired',
  '773': 'must_change_password',
  '775': 'locked_out',
};

export function bindDataCode(message: string): string | undefined {
  return /\bdata ([0-9a-f]{3,8})\b/i.exec(message)?.[1]?.toLowerCase();
}

function detailOf(message: string): string {
  return message.replace(/\s+/g, ' ').trim().slice(0, 500);
}

export function translateAdFailure(error: unknown, context: TranslationContext): Outcome {
  if (error instanceof DirectoryUnreachableError || isConnectionFailure(error)) {
    return {
      code: 'directory_unavailable',
      detail: detailOf(String((error as Error).message ?? error)),
    };
  }
  if (!(error instanceof ResultCodeError)) {
    return {
      code: 'directory_error',
      detail: detailOf(error instanceof Error ? error.message : String(error)),
    };
  }
  const message = error.message;
  const detail = detailOf(`LDAP ${error.code}: ${message}`);

  if (/\b00000056\b/.test(message)) return { code: 'wrong_current_password', detail };
  if (isRuleRefusal(error, context)) {
    return { code: 'policy_violation', rules: namePolicyRules(message, context), detail };
  }
  if (error.code === LDAP_CONSTRAINT_VIOLATION && /module acl/i.test(message)) {
    // Samba's access check on a password change answers 19, not 50 as Windows does.
    return deniedOutcome(context, detail);
  }
  switch (error.code) {
    case LDAP_INVALID_CREDENTIALS:
      return translateBindFailure(message, context, detail);
    case LDAP_INSUFFICIENT_ACCESS:
      return deniedOutcome(context, detail);
    case LDAP_NO_SUCH_OBJECT:
      return { code: 'user_not_found', detail };
    default:
      return { code: 'directory_error', detail };
  }
}

/**
 * Whether AD refused a new password for one of its rules: 0000052D, or (Samba, older DCs)
 * a constraint violation or unwilling-to-perform on a write that carried a new password.
 */
function isRuleRefusal(
  error: ResultCodeError,
  context: Pick<TranslationContext, 'newPassword'>,
): boolean {
  const message = error.message;
  if (/\b00000056\b/.test(message)) return false;
  if (/\b0000052D\b/i.test(message)) return true;
  if (error.code === LDAP_CONSTRAINT_VIOLATION && /module acl/i.test(message)) return false;
  return (
    context.newPassword !== undefined &&
    (error.code === LDAP_CONSTRAINT_VIOLATION || error.code === LDAP_UNWILLING_TO_PERFORM)
  );
}

/** Whether translating this failure names password rules, and so needs the user's policy. */
export function namesPasswordRules(
  error: unknown,
  context: Pick<TranslationContext, 'newPassword'>,
): boolean {
  return error instanceof ResultCodeError && isRuleRefusal(error, context);
}

/** Refused for lack of a right: the user's own (a change) or the service account's. */
function deniedOutcome(context: TranslationContext, detail: string): Outcome {
  return context.operation === 'change' && context.boundAs === 'user'
    ? { code: 'change_not_allowed', detail }
    : { code: 'access_denied', detail };
}

function translateBindFailure(
  message: string,
  context: TranslationContext,
  detail: string,
): Outcome {
  const data = bindDataCode(message);
  const code = data ? bindDataOutcomes[data] : undefined;
  if (context.operation === 'change' && (code === undefined || code === 'invalid_credentials')) {
    return { code: 'wrong_current_password', detail };
  }
  if (code === 'logon_restricted') {
    return { code, restriction: data === '530' ? 'time' : 'workstation', detail };
  }
  if (code === 'locked_out') return { code, detail };
  if (code) return { code, detail } as Outcome;
  return { code: 'invalid_credentials', detail };
}

/** Which rule a 0000052D refers to: the directory's words when it has them, else the policy. */
export function namePolicyRules(message: string, context: TranslationContext): RuleViolation[] {
  const { policy, user } = context;
  const text = message.toLowerCase();
  if (text.includes('too short')) {
    const stated = /longer than (\d+)/.exec(text)?.[1];
    return [
      violation('too_short', 'directory', { minLength: Number(stated ?? policy?.minLength ?? 0) }),
    ];
  }
  if (text.includes('complexity'))
    return [violation('complexity', 'directory', { categoriesRequired: 3 })];
  if (text.includes('already used') || text.includes('history')) {
    return [violation('history', 'directory', { historyLength: policy?.historyLength ?? 0 })];
  }
  if (text.includes('too young')) {
    const allowedAt = policy && user ? changeAllowedAt(policy, passwordContext(user)) : undefined;
    return [
      violation('min_age', 'directory', {
        minAgeSeconds: policy?.minAgeSeconds ?? 0,
        ...(allowedAt ? { allowedAt: allowedAt.toISOString() } : {}),
      }),
    ];
  }
  if (!policy) return [violation('directory_filter', 'directory', {})];
  const named =
    context.newPassword && user
      ? evaluateDirectoryRules(
          policy,
          context.newPassword.reveal(),
          passwordContext(user),
          context.now,
          {
            checkMinAge: context.operation === 'change',
          },
        )
      : [];
  if (named.length > 0) return named;
  // Length, complexity and age hold: of AD's own rules only history is left; with history
  // off, a password filter DLL on the DC refused it.
  return policy.historyLength > 0
    ? [violation('history', 'policy', { historyLength: policy.historyLength })]
    : [violation('directory_filter', 'policy', {})];
}

export function passwordContext(user: DirectoryAccount) {
  return {
    sAMAccountName: user.sAMAccountName,
    displayName: user.displayName,
    passwordLastSet: user.passwordLastSet,
    mustChange: user.mustChangePassword,
  };
}
