import type { Secret } from '@ferry/protocol';
import { unknownNameForAudit } from '../audit/typed-name.js';
import { checkCloudPassword } from '../auth/cloud-password.js';
import { findUserByUpn } from '../directory/users.js';
import { outcomeError } from '../relay/outcome-error.js';
import { writeback, type WritebackServices } from '../relay/password-writeback.js';
import type { UserRow } from '../store/tables.js';
import { FerryError } from '../util/ferry-error.js';
import { GuessGuard, type GuardServices } from '../auth/guess-guard.js';
import { judgePassword } from '../auth/password-proof.js';

/** What a sign-in needs: the guess limit and its audit, pass-through for synced users. */
export interface SignInServices extends WritebackServices, GuardServices {}

export interface UserSignInRequest {
  readonly tenantId: string;
  readonly userPrincipalName: string;
  readonly password: Secret;
  readonly sourceIp: string;
  readonly requestId: string;
  /** The audit action: `me.sign_in`, or `me.reauthenticate` for a re-proof in a session. */
  readonly action?: 'me.sign_in' | 'me.reauthenticate';
}

/**
 * Signs an end user in to My Account. A cloud-only user's password is checked against its
 * Argon2id hash; a synced user's by pass-through: the agent binds to AD as the user, and AD's
 * answer (wrong password, must change, expired, locked, disabled) comes back as an outcome.
 * A wrong password, an unknown account and a check that got no answer (no agent online)
 * answer alike (`auth/password-proof.ts`). Every attempt counts under the `user` surface's
 * guess limits (ADR 0014: per source, account-wide ceiling, unknown names alike), which also
 * keeps a guesser from locking the AD account while the ceiling stays below AD's threshold.
 */
export async function signInUser(
  services: SignInServices,
  request: UserSignInRequest,
): Promise<UserRow> {
  const user = await findUserByUpn(services.db, request.tenantId, request.userPrincipalName);
  const audit = (result: string, detail: Record<string, string | null>) =>
    services.audit.record({
      tenantId: request.tenantId,
      actor: user
        ? { type: 'user', id: user.id, name: user.upn }
        : { type: 'anonymous', name: unknownNameForAudit(request.userPrincipalName) },
      action: request.action ?? 'me.sign_in',
      target: user ? { type: 'user', id: user.id, name: user.upn } : undefined,
      result,
      sourceIp: request.sourceIp,
      requestId: request.requestId,
      detail,
    });
  const fail = async (error: FerryError, reason: string, operationId?: string) => {
    await audit(error.code, {
      reason,
      source: user?.source ?? null,
      operationId: operationId ?? null,
    });
    return error;
  };

  const guard = new GuessGuard(services);
  // An unknown name counts like an account, so the lock answer does not tell them apart.
  const subject = user ?? guard.unknownName(request.tenantId, request.userPrincipalName);
  try {
    await guard.begin(subject, request);
  } catch (error) {
    throw await fail(error as FerryError, 'throttled');
  }

  const { outcome, operationId } =
    user?.source === 'synced'
      ? await writeback(services, {
          kind: 'verify_credentials',
          user,
          currentPassword: request.password,
          selfService: true,
          requestedBy: user.id,
        })
      : { outcome: await checkCloudPassword(user, request.password), operationId: undefined };

  if (!user) {
    await guard.failed(subject, request, 'me.lockout');
    throw await fail(invalidCredentials(), 'unknown_user');
  }
  if (outcome.code === 'applied') {
    await guard.succeeded(user, request);
    await audit('success', { source: user.source, operationId: operationId ?? null });
    return user;
  }
  const verdict = judgePassword(outcome);
  if (verdict === 'must_change') {
    // The password was right but AD wants it changed first.
    await guard.succeeded(user, request);
    throw await fail(outcomeError(outcome), outcome.code, operationId);
  }
  await guard.failed(user, request, 'me.lockout');
  if (verdict === 'account_state')
    throw await fail(outcomeError(outcome), outcome.code, operationId);
  throw await fail(invalidCredentials(), outcome.code, operationId);
}

function invalidCredentials(): FerryError {
  return new FerryError('invalid_credentials', 'user sign-in failed');
}
