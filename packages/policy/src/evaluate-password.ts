import { violation, type RuleViolation, type Secret } from '@ferry/protocol';
import { checkAdComplexity, type AdDialect } from './ad-complexity.js';
import { BANNED_MIN_SCORE, scoreBannedTerms } from './banned/banned-score.js';
import { customBannedIndex } from './banned/custom-index-cache.js';
import { globalBannedIndex } from './banned/global-list.js';
import { nameTerms } from './banned/name-terms.js';
import { characterCount } from './banned/normalise.js';
import { changeAllowedAt, directoryLength, type PasswordContext } from './directory-rules.js';
import { effectiveMinLength, type EffectivePolicy } from './effective-policy.js';
import type { FeedbackItem, PasswordEvaluation } from './feedback.js';
import { strengthScore } from './strength.js';

/** The user a password is for: AD identity and password dates, plus names for Entra's check. */
export interface PasswordUser extends PasswordContext {
  readonly givenName?: string | undefined;
  readonly surname?: string | undefined;
}

export interface PasswordEvaluationInput {
  readonly password: Secret;
  readonly policy: EffectivePolicy;
  readonly user?: PasswordUser | undefined;
  readonly tenantName?: string | undefined;
  /**
   * `change` and `self_service_reset`: the directory's minimum age applies (AD applies it to
   * a self-service reset under the policy-hints control, and Ferry's agent does on a DC
   * without it). `admin_reset`: a helpdesk reset, no minimum age.
   */
  readonly operation: 'change' | 'self_service_reset' | 'admin_reset';
  readonly now: Date;
  /** Which AD implementation the user's directory runs (complexity differs a little). */
  readonly dialect?: AdDialect | undefined;
}

/**
 * Evaluates a candidate password against every rule in force for the user and reports on
 * each (not only the first failure), for the live check while the user types and again
 * before an operation is dispatched. Pure apart from two shared, lazily built indexes.
 */
export function evaluatePassword(input: PasswordEvaluationInput): PasswordEvaluation {
  const password = input.password.reveal();
  const { policy, user = {} } = input;
  const { cloud, directory } = policy;
  const items: FeedbackItem[] = [];

  const min = effectiveMinLength(policy);
  const shortForCloud = characterCount(password) < cloud.minLength;
  const shortForDirectory = directory ? directoryLength(password) < directory.minLength : false;
  items.push({
    rule: 'too_short',
    status: shortForCloud || shortForDirectory ? 'fail' : 'pass',
    origin: min.origin,
    params: { minLength: min.minLength },
  });
  items.push({
    rule: 'too_long',
    status: characterCount(password) > cloud.maxLength ? 'fail' : 'pass',
    origin: 'cloud',
    params: { maxLength: cloud.maxLength },
  });

  if (directory?.complexity) {
    const result = checkAdComplexity(password, user, { dialect: input.dialect ?? 'windows' });
    items.push({
      rule: 'complexity',
      status: result.ok ? 'pass' : 'fail',
      origin: 'directory',
      params: {
        categoriesMet: result.categoriesMet,
        categoriesRequired: result.categoriesRequired,
        containsAccountName: result.containsAccountName,
        containsDisplayNameToken: result.containsDisplayNameToken,
      },
    });
  }

  const banned = scoreBannedTerms(password, {
    lists:
      cloud.customBannedTerms.length > 0
        ? [globalBannedIndex(), customBannedIndex(cloud.customBannedTerms)]
        : [globalBannedIndex()],
    nameTerms: nameTerms([user.givenName, user.surname]),
    tenantTerms: nameTerms([input.tenantName]),
  });
  items.push({
    rule: 'banned',
    status: banned.ok ? 'pass' : 'fail',
    origin: 'cloud',
    params: {
      score: banned.score,
      minScore: BANNED_MIN_SCORE,
      commonPassword: !banned.ok && banned.sources.includes('global'),
      customTerm: !banned.ok && banned.sources.includes('custom'),
      userName: !banned.ok && banned.sources.includes('name'),
      tenantName: !banned.ok && banned.sources.includes('tenant'),
    },
  });

  if (cloud.minStrengthScore > 0) {
    const score = strengthScore(password, strengthInputs(input));
    items.push({
      rule: 'weak',
      status: score >= cloud.minStrengthScore ? 'pass' : 'fail',
      origin: 'cloud',
      params: { score, minScore: cloud.minStrengthScore },
    });
  }

  if (directory && directory.historyLength > 0) {
    items.push({
      rule: 'history',
      status: 'directory',
      origin: 'directory',
      params: { historyLength: directory.historyLength },
    });
  }

  if (directory && directory.minAgeSeconds > 0 && input.operation !== 'admin_reset') {
    const allowedAt = changeAllowedAt(directory, user);
    const tooYoung = allowedAt !== undefined && allowedAt > input.now;
    items.push({
      rule: 'min_age',
      status: tooYoung ? 'fail' : 'pass',
      origin: 'directory',
      params: tooYoung
        ? { minAgeSeconds: directory.minAgeSeconds, allowedAt: allowedAt.toISOString() }
        : { minAgeSeconds: directory.minAgeSeconds },
    });
  }

  return { ok: items.every((item) => item.status !== 'fail'), items };
}

/** The failed rules, as the protocol's violations (for a policy_violation outcome). */
export function toViolations(evaluation: PasswordEvaluation): RuleViolation[] {
  return evaluation.items
    .filter((item) => item.status === 'fail')
    .map((item) => violation(item.rule, 'policy', { ...item.params }));
}

function strengthInputs(input: PasswordEvaluationInput): string[] {
  const { user } = input;
  const values = [
    user?.givenName,
    user?.surname,
    user?.displayName,
    user?.sAMAccountName,
    input.tenantName,
  ];
  return values.filter((value): value is string => typeof value === 'string' && value !== '');
}
