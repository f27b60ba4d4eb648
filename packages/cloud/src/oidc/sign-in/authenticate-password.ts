import type { Outcome, Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { AttemptSource } from '../../auth/guess-guard.js';
import { judgePassword } from '../../auth/password-proof.js';
import { checkCloudPassword } from '../../auth/cloud-password.js';
import { findUserByUpn } from '../../directory/users.js';
import { outcomeError } from '../../relay/outcome-error.js';
import type { Database, UserRow } from '../../store/tables.js';
import { FerryError } from '../../util/ferry-error.js';
import type { PasswordGuard } from './password-guard.js';

/** Pass-through: the agent binds to AD as the user (`verify_credentials`). */
export type VerifySyncedPassword = (
  user: UserRow,
  password: Secret,
) => Promise<{ readonly outcome: Outcome; readonly operationId: string | undefined }>;

export interface PasswordCheckDeps {
  readonly db: Kysely<Database>;
  readonly guard: PasswordGuard;
  readonly verifySyncedPassword: VerifySyncedPassword;
}

export type PasswordResult =
  | { readonly kind: 'proved'; readonly user: UserRow; readonly operationId: string | undefined }
  /** The password is right, but AD wants it changed first (773 / 532). */
  | {
      readonly kind: 'must_change';
      readonly user: UserRow;
      readonly reason: 'must_change_password' | 'password_expired';
      readonly operationId: string | undefined;
    };

/** A refusal, with what the audit row should say (the true reason, the operation). */
export class PasswordRefusal extends Error {
  constructor(
    readonly error: FerryError,
    readonly reason: string,
    readonly user: UserRow | undefined,
    readonly operationId: string | undefined,
  ) {
    super(error.message);
  }
}

/**
 * Checks a user's password as My Account's sign-in does: synced users by pass-through to
 * AD, cloud-only users against their Argon2id hash; the guess is counted before the check;
 * a wrong password and an unknown account answer alike (`invalid_credentials`, after the same
 * hash work); AD's states come back as their own codes only to the right password.
 */
export async function checkUserPassword(
  deps: PasswordCheckDeps,
  request: { tenantId: string; userPrincipalName: string; password: Secret; source: AttemptSource },
): Promise<PasswordResult> {
  const user = await findUserByUpn(deps.db, request.tenantId, request.userPrincipalName);
  // An unknown name counts like an account, so the lock answer does not tell them apart.
  const subject = user ?? deps.guard.unknownName(request.tenantId, request.userPrincipalName);
  try {
    await deps.guard.begin(subject, request.source);
  } catch (error) {
    throw new PasswordRefusal(error as FerryError, 'throttled', user ?? undefined, undefined);
  }
  const { outcome, operationId } =
    user?.source === 'synced'
      ? await deps.verifySyncedPassword(user, request.password)
      : { outcome: await checkCloudPassword(user, request.password), operationId: undefined };
  if (!user) {
    await deps.guard.failed(subject, request.source, 'oidc.lockout');
    throw new PasswordRefusal(invalid(), 'unknown_user', undefined, undefined);
  }
  if (outcome.code === 'applied') {
    await deps.guard.succeeded(user, request.source);
    return { kind: 'proved', user, operationId };
  }
  const verdict = judgePassword(outcome);
  if (
    verdict === 'must_change' &&
    (outcome.code === 'must_change_password' || outcome.code === 'password_expired')
  ) {
    await deps.guard.succeeded(user, request.source);
    return { kind: 'must_change', user, reason: outcome.code, operationId };
  }
  // Every other answer counts as a guess; only AD's account states keep their own code.
  await deps.guard.failed(user, request.source, 'oidc.lockout');
  const error = verdict === 'account_state' ? outcomeError(outcome) : invalid();
  throw new PasswordRefusal(error, outcome.code, user, operationId);
}

function invalid(): FerryError {
  return new FerryError('invalid_credentials', 'application sign-in failed');
}
