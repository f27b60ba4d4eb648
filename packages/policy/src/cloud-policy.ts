import type { StrengthScore } from './strength.js';

/**
 * The tenant's own password rules, applied to every user (cloud-only or synced) before
 * anything is sent to a directory. Defaults follow Entra ID (8..256 characters); the
 * strength floor is Ferry's addition.
 */
export interface CloudPasswordPolicy {
  /** Characters (code points), default 8. */
  readonly minLength: number;
  /** Characters (code points), default 256. */
  readonly maxLength: number;
  /** The admin's custom banned list (validate with validateCustomList), default empty. */
  readonly customBannedTerms: readonly string[];
  /** zxcvbn score to reach, default 3 ("safely unguessable"); 0 turns the rule off. */
  readonly minStrengthScore: StrengthScore;
}

export const defaultCloudPolicy: CloudPasswordPolicy = Object.freeze({
  minLength: 8,
  maxLength: 256,
  customBannedTerms: Object.freeze([]),
  minStrengthScore: 3,
});
