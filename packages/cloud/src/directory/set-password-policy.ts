import {
  defaultCloudPolicy,
  effectivePolicy,
  toViolations,
  type PasswordUser,
} from '@ferry/policy';
import type { Secret } from '@ferry/protocol';
import type { PasswordChecks } from '../password-checks/password-checks.js';
import { outcomeError } from '../relay/outcome-error.js';
import type { Clock } from '../util/clock.js';

export interface SetPasswordPolicyServices {
  readonly clock: Clock;
  readonly passwordChecks: PasswordChecks;
}

/**
 * A password an administrator sets on a cloud-only account (a reset, a new user, the first
 * admin of `bootstrap-admin` or the setup link) holds to the tenant's cloud policy like one a
 * user chooses: length, the banned list, the strength floor, the user's own names. The
 * minimum age does not apply (as AD's does not to an admin reset). A synced user's password
 * is judged by AD itself through the agent. Refuses with `policy_violation` and the rules.
 */
export async function assertCloudPasswordPolicy(
  services: SetPasswordPolicyServices,
  password: Secret,
  user: PasswordUser,
): Promise<void> {
  const evaluation = await services.passwordChecks.evaluate({
    password,
    policy: effectivePolicy(defaultCloudPolicy),
    user,
    operation: 'admin_reset',
    now: services.clock.now(),
  });
  if (!evaluation.ok) {
    throw outcomeError({ code: 'policy_violation', rules: toViolations(evaluation) });
  }
}
