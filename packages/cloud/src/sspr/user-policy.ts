import { defaultCloudPolicy, effectivePolicy, type PasswordEvaluation } from '@ferry/policy';
import type { Secret } from '@ferry/protocol';
import { passwordUserOf } from '../directory/password-user.js';
import type { PasswordChecks } from '../password-checks/password-checks.js';
import type { UserDirectoryPolicies } from '../relay/user-directory-policy.js';
import type { UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';

export interface ResetPolicyServices {
  readonly clock: Clock;
  readonly directoryPolicies: UserDirectoryPolicies;
  readonly passwordChecks: PasswordChecks;
}

/**
 * A candidate password against the rules of this user, for a self-service reset: the
 * cloud's policy, plus for a synced user the policy AD applies to them (their PSO, read
 * through an agent when the domain has fine-grained policies), with the user's names and
 * password dates (minimum age).
 */
export async function evaluateForReset(
  services: ResetPolicyServices,
  user: UserRow,
  password: Secret,
): Promise<PasswordEvaluation> {
  const now = services.clock.now();
  const directory = await services.directoryPolicies.forUser(user, { ask: true });
  return services.passwordChecks.evaluate({
    password,
    policy: effectivePolicy(defaultCloudPolicy, directory),
    user: passwordUserOf(user),
    operation: 'self_service_reset',
    now,
  });
}
