import type { PasswordRuleCode } from '@ferry/protocol';

export const locales = ['en', 'fr'] as const;
export type Locale = (typeof locales)[number];

/** The texts of one rule: what it asks (shown while typing) and how a password fails it. */
export interface RuleMessages {
  readonly requirement: string;
  readonly failed: string;
}

/** Extra sentences added to a failure when its params say why. */
export const detailKeys = [
  'complexity.categories',
  'complexity.account_name',
  'complexity.display_name',
  'banned.common_password',
  'banned.custom_term',
  'banned.user_name',
  'banned.tenant_name',
  'min_age.allowed_at',
] as const;
export type DetailKey = (typeof detailKeys)[number];

/**
 * One language's texts. Placeholders are `{param}`: a param of the feedback item, or one
 * derived from it when described (`{minAge}`, a localised duration from `minAgeSeconds`).
 */
export interface MessageCatalogue {
  readonly rules: { readonly [R in PasswordRuleCode]: RuleMessages };
  readonly details: { readonly [D in DetailKey]: string };
  /** Appended to a requirement only the directory can check (history). */
  readonly checkedByDirectory: string;
}
