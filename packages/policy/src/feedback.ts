import type { PasswordRuleCode } from '@ferry/protocol';
import type { RuleOrigin } from './effective-policy.js';

/**
 * A rule's verdict: `directory` means Ferry cannot tell (password history: only the directory
 * knows the old passwords) and the directory will decide when the password is submitted.
 */
export type RuleStatus = 'pass' | 'fail' | 'directory';

interface Item<R extends PasswordRuleCode, P> {
  readonly rule: R;
  readonly status: RuleStatus;
  readonly origin: RuleOrigin;
  readonly params: P;
}

/**
 * Feedback about one rule. Params never hold the password or any part of it: a banned-term
 * failure names the kind of term (common password, custom term, the user's name, the tenant's
 * name), not the term, as Entra does; echoing it would also let anyone with the live-check
 * endpoint read the custom list.
 */
export type FeedbackItem =
  | Item<'too_short', { readonly minLength: number }>
  | Item<'too_long', { readonly maxLength: number }>
  | Item<
      'complexity',
      {
        readonly categoriesMet: number;
        readonly categoriesRequired: number;
        readonly containsAccountName: boolean;
        readonly containsDisplayNameToken: boolean;
      }
    >
  | Item<
      'banned',
      {
        readonly score: number;
        readonly minScore: number;
        readonly commonPassword: boolean;
        readonly customTerm: boolean;
        readonly userName: boolean;
        readonly tenantName: boolean;
      }
    >
  | Item<'weak', { readonly score: number; readonly minScore: number }>
  | Item<'history', { readonly historyLength: number }>
  | Item<'min_age', { readonly minAgeSeconds: number; readonly allowedAt?: string }>;

export interface PasswordEvaluation {
  /** True when no rule failed (rules left to the directory do not count). */
  readonly ok: boolean;
  /** Every rule in force for this user, in a stable order. */
  readonly items: readonly FeedbackItem[];
}
