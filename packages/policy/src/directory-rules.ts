import { violation, type DirectoryPolicy, type RuleViolation } from '@ferry/protocol';
import { checkAdComplexity, type AdDialect, type AdIdentity } from './ad-complexity.js';

export interface PasswordContext extends AdIdentity {
  /** When the current password was set; undefined when unknown. */
  readonly passwordLastSet?: Date | undefined;
  /** A must-change or reset-pending password (pwdLastSet 0) has no minimum age. */
  readonly mustChange?: boolean;
}

/** The moment the user's password may be changed again under the policy's minimum age. */
export function changeAllowedAt(
  policy: DirectoryPolicy,
  context: PasswordContext,
): Date | undefined {
  if (policy.minAgeSeconds === 0 || context.mustChange || !context.passwordLastSet)
    return undefined;
  return new Date(context.passwordLastSet.getTime() + policy.minAgeSeconds * 1000);
}

/**
 * A password's length as AD measures it against minPwdLength: UTF-16 code units (an emoji
 * counts 2), which is also what Samba does (strlen_m).
 */
export function directoryLength(password: string): number {
  return password.length;
}

/** When the current password expires under the policy's maximum age; undefined: never. */
export function passwordExpiresAt(
  policy: DirectoryPolicy,
  context: PasswordContext,
): Date | undefined {
  if (policy.maxAgeSeconds === 0 || !context.passwordLastSet) return undefined;
  return new Date(context.passwordLastSet.getTime() + policy.maxAgeSeconds * 1000);
}

/**
 * The directory rules Ferry can evaluate itself: length, complexity and minimum age (history
 * stays the directory's: only it knows the old passwords). Returns every rule broken.
 */
export function evaluateDirectoryRules(
  policy: DirectoryPolicy,
  password: string,
  context: PasswordContext,
  now: Date,
  options: { readonly checkMinAge: boolean; readonly dialect?: AdDialect },
): RuleViolation[] {
  const found: RuleViolation[] = [];
  if (directoryLength(password) < policy.minLength) {
    found.push(violation('too_short', 'policy', { minLength: policy.minLength }));
  }
  if (policy.complexity) {
    const complexity = checkAdComplexity(password, context, {
      dialect: options.dialect ?? 'windows',
    });
    if (!complexity.ok) {
      found.push(
        violation('complexity', 'policy', {
          categoriesMet: complexity.categoriesMet,
          categoriesRequired: complexity.categoriesRequired,
          containsAccountName: complexity.containsAccountName,
          containsDisplayNameToken: complexity.containsDisplayNameToken,
        }),
      );
    }
  }
  const allowedAt = options.checkMinAge ? changeAllowedAt(policy, context) : undefined;
  if (allowedAt && allowedAt > now) {
    found.push(
      violation('min_age', 'policy', {
        minAgeSeconds: policy.minAgeSeconds,
        allowedAt: allowedAt.toISOString(),
      }),
    );
  }
  return found;
}
