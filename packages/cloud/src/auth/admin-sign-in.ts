import type { Secret } from '@ferry/protocol';
import { unknownNameForAudit } from '../audit/typed-name.js';
import { dummyPasswordHash, verifyPassword } from '../crypto/password-hash.js';
import { rolesOf } from '../directory/roles.js';
import { findUserByUpn } from '../directory/users.js';
import type { AdminRole, UserRow } from '../store/tables.js';
import { FerryError } from '../util/ferry-error.js';
import { GuessGuard, type GuardServices } from './guess-guard.js';

export interface SignInRequest {
  readonly tenantId: string;
  readonly username: string;
  readonly password: Secret;
  readonly sourceIp: string;
  readonly requestId: string;
}

export interface SignedInAdmin {
  readonly user: UserRow;
  readonly roles: AdminRole[];
}

/**
 * Checks an admin's password under the Admin center's own guess limits (GuessGuard, ADR 0014:
 * per source and account-wide, counted before the check; My Account counts apart). Every attempt is audited; the caller
 * learns only "failed" or "locked", never which part was wrong.
 */
export async function signInAdmin(
  services: GuardServices,
  request: SignInRequest,
): Promise<SignedInAdmin> {
  const { db, audit } = services;
  const user = await findUserByUpn(db, request.tenantId, request.username);
  const guard = new GuessGuard(services, 'admin');
  const fail = async (reason: string, locked?: FerryError) => {
    await audit.record({
      tenantId: request.tenantId,
      actor: {
        type: 'anonymous',
        id: user?.id ?? null,
        name: user ? request.username : unknownNameForAudit(request.username),
      },
      action: 'admin.sign_in',
      target: user ? { type: 'user', id: user.id, name: user.upn } : undefined,
      result: locked?.code ?? 'sign_in_failed',
      sourceIp: request.sourceIp,
      requestId: request.requestId,
      detail: { reason },
    });
    return locked ?? new FerryError('sign_in_failed', `admin sign-in failed: ${reason}`);
  };

  // An unknown name counts like an account, so the lock answer does not tell them apart.
  const subject = user ?? guard.unknownName(request.tenantId, request.username);
  try {
    await guard.begin(subject, request);
  } catch (error) {
    throw await fail('locked', error as FerryError);
  }
  const passwordOk = await verifyPassword(
    user?.password_hash ?? (await dummyPasswordHash()),
    request.password,
  );
  if (!user) {
    await guard.failed(subject, request, 'admin.lockout');
    throw await fail('unknown_user');
  }
  if (!passwordOk) {
    // The attempt that trips the lock still answers a plain failure: no hint for the guesser.
    await guard.failed(user, request, 'admin.lockout');
    throw await fail('wrong_password');
  }
  // The password is proven: the count starts again even if the account may not sign in here.
  await guard.succeeded(user, request);
  const roles = await rolesOf(db, request.tenantId, user.id);
  if (roles.length === 0) throw await fail('not_admin');
  if (user.enabled !== 1) throw await fail('disabled');
  // An admin's temporary password ("must change at next logon") opens only the change screen.
  if (user.password_last_set_at === null) {
    throw await fail(
      'must_change',
      new FerryError('must_change_password', 'the password must be changed before sign-in'),
    );
  }
  await audit.record({
    tenantId: request.tenantId,
    actor: { type: 'admin', id: user.id, name: user.upn },
    action: 'admin.sign_in',
    target: { type: 'user', id: user.id, name: user.upn },
    result: 'success',
    sourceIp: request.sourceIp,
    requestId: request.requestId,
  });
  return { user, roles };
}
