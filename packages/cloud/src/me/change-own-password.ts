import { defaultCloudPolicy, effectivePolicy, toViolations } from '@ferry/policy';
import type { Outcome, Secret } from '@ferry/protocol';
import { verifyPassword } from '../crypto/password-hash.js';
import { setCloudPassword } from '../directory/users.js';
import { writeback, type WritebackServices } from '../relay/password-writeback.js';
import { GuessGuard, type AttemptSource, type GuardServices } from '../auth/guess-guard.js';
import { judgePassword } from '../auth/password-proof.js';
import type { UserRow } from '../store/tables.js';

/** What a change needs: the guess limit, the writeback (synced), the rules (cloud-only). */
export interface ChangePasswordServices extends WritebackServices, GuardServices {}

export interface ChangeResult {
  readonly outcome: Outcome;
  readonly operationId: string | undefined;
}

/**
 * A user changes their password by proving the current one (My Account, or the change
 * screen before sign-in): AD checks it (with history and minimum age) for a synced user, the
 * Argon2id hash for a cloud-only user. Until the current password is proven every failure
 * answers `wrong_current_password` (AD's account states aside) and every attempt counts.
 */
export async function changeOwnPassword(
  services: ChangePasswordServices,
  user: UserRow,
  current: Secret,
  next: Secret,
  source: AttemptSource,
): Promise<ChangeResult> {
  // Proving the current password is a guess like a sign-in: it counts against the account.
  const guard = new GuessGuard(services);
  await guard.begin(user, source);
  if (user.source !== 'synced') {
    const outcome = await changeCloudPassword(services, user, current, next);
    if (outcome.code === 'wrong_current_password') {
      await guard.failed(user, source, 'self_service.lockout');
    } else await guard.succeeded(user, source);
    return { outcome, operationId: undefined };
  }
  // A synced user proves the current password to AD first (a bind as the user): the new
  // password's rules depend on the account (its names, pwdLastSet), so judging it before the
  // proof would tell a synced account from an unknown name.
  const proof = await writeback(services, {
    kind: 'verify_credentials',
    user,
    currentPassword: current,
    selfService: true,
    requestedBy: user.id,
  });
  const verdict = judgePassword(proof.outcome);
  if (verdict !== 'proven' && verdict !== 'must_change') {
    await guard.failed(user, source, 'self_service.lockout');
    const outcome: Outcome =
      verdict === 'account_state' ? proof.outcome : { code: 'wrong_current_password' };
    return { outcome, operationId: proof.operationId };
  }
  await guard.succeeded(user, source);
  const result = await writeback(services, {
    kind: 'change',
    user,
    currentPassword: current,
    newPassword: next,
    selfService: true,
    requestedBy: user.id,
  });
  return { outcome: result.outcome, operationId: result.operationId };
}

async function changeCloudPassword(
  services: ChangePasswordServices,
  user: UserRow,
  current: Secret,
  next: Secret,
): Promise<Outcome> {
  if (!user.password_hash || !(await verifyPassword(user.password_hash, current))) {
    return { code: 'wrong_current_password' };
  }
  if (user.enabled !== 1) return { code: 'account_disabled' };
  const evaluation = await services.passwordChecks.evaluate({
    password: next,
    policy: effectivePolicy(defaultCloudPolicy),
    user: { displayName: user.display_name },
    operation: 'change',
    now: services.clock.now(),
  });
  if (!evaluation.ok) return { code: 'policy_violation', rules: toViolations(evaluation) };
  await setCloudPassword(services.db, services.clock, user.tenant_id, user.id, next);
  return { code: 'applied' };
}
