import {
  defaultCloudPolicy,
  describeRule,
  effectivePolicy,
  evaluatePassword,
  type Locale,
  type PasswordEvaluation,
} from '@ferry/policy';
import type { PasswordRuleCode, Secret } from '@ferry/protocol';
import type { Services } from '../http/services.js';
import type { UserRow } from '../store/tables.js';

export interface PolicyItemView {
  rule: PasswordRuleCode;
  status: 'pass' | 'fail' | 'directory';
  origin: 'cloud' | 'directory';
  params: Record<string, string | number | boolean>;
  message: string;
}

/**
 * A candidate password against the rules of this user, for a self-service reset: the
 * cloud's policy, plus for a synced user the policy AD applies to them (their PSO, read
 * through an agent when the domain has fine-grained policies), with the user's names and
 * password dates (minimum age).
 */
export async function evaluateForReset(
  services: Services,
  user: UserRow,
  password: Secret,
): Promise<PasswordEvaluation> {
  const now = services.clock.now();
  const directory = await services.directoryPolicies.forUser(user, { ask: true });
  return evaluatePassword({
    password,
    policy: effectivePolicy(defaultCloudPolicy, directory),
    user: {
      sAMAccountName: user.sam_account_name ?? undefined,
      displayName: user.display_name,
      passwordLastSet: user.password_last_set_at ? new Date(user.password_last_set_at) : undefined,
      mustChange: user.source === 'synced' && user.password_last_set_at === null,
    },
    operation: 'self_service_reset',
    now,
  });
}

/** The evaluation as the API shows it (the shape of /password-policy/check). */
export function toPolicyItems(evaluation: PasswordEvaluation, locale: Locale): PolicyItemView[] {
  return evaluation.items.map((item) => ({
    rule: item.rule,
    status: item.status,
    origin: item.origin,
    params: { ...item.params } as Record<string, string | number | boolean>,
    message: describeRule(item, locale),
  }));
}
