import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { dummyPasswordHash, verifyPassword } from '../crypto/password-hash.js';
import { rolesOf } from '../directory/roles.js';
import { findUserByUpn } from '../directory/users.js';
import type { AdminRole, Database, UserRow } from '../store/tables.js';
import { addMinutes, type Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

export interface SignInPolicy {
  readonly maxFailures: number;
  readonly lockoutMinutes: number;
}

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
 * Checks an admin's password with per-account lockout: after `maxFailures` failures in a row
 * the account is locked for `lockoutMinutes`. Every attempt is audited; the caller learns only
 * "failed" or "locked", never which part was wrong.
 */
export async function signInAdmin(
  db: Kysely<Database>,
  clock: Clock,
  audit: AuditLog,
  policy: SignInPolicy,
  request: SignInRequest,
): Promise<SignedInAdmin> {
  const now = clock.now();
  const user = await findUserByUpn(db, request.tenantId, request.username);
  const fail = async (
    reason: string,
    code: 'sign_in_failed' | 'sign_in_locked' = 'sign_in_failed',
  ) => {
    await audit.record({
      tenantId: request.tenantId,
      actor: { type: 'anonymous', id: user?.id ?? null, name: request.username },
      action: 'admin.sign_in',
      target: user ? { type: 'user', id: user.id, name: user.upn } : undefined,
      result: code,
      sourceIp: request.sourceIp,
      requestId: request.requestId,
      detail: { reason },
    });
    return new FerryError(code, `admin sign-in failed: ${reason}`, lockedFor(user, now));
  };

  if (user?.sign_in_locked_until && user.sign_in_locked_until > now.toISOString()) {
    throw await fail('locked', 'sign_in_locked');
  }
  const passwordOk = await verifyPassword(
    user?.password_hash ?? (await dummyPasswordHash()),
    request.password,
  );
  if (!user) throw await fail('unknown_user');
  if (!passwordOk) {
    const failures = user.failed_sign_ins + 1;
    const locks = failures >= policy.maxFailures;
    const lockedUntil = locks ? addMinutes(now, policy.lockoutMinutes).toISOString() : null;
    await db
      .updateTable('users')
      .set({ failed_sign_ins: locks ? 0 : failures, sign_in_locked_until: lockedUntil })
      .where('tenant_id', '=', request.tenantId)
      .where('id', '=', user.id)
      .execute();
    if (locks) {
      await audit.record({
        tenantId: request.tenantId,
        actor: { type: 'system' },
        action: 'admin.lockout',
        target: { type: 'user', id: user.id, name: user.upn },
        result: 'success',
        sourceIp: request.sourceIp,
        requestId: request.requestId,
        detail: { failures, lockedUntil },
      });
    }
    // The attempt that trips the lock still answers a plain failure: no hint for the guesser.
    throw await fail('wrong_password');
  }
  const roles = await rolesOf(db, request.tenantId, user.id);
  if (roles.length === 0) throw await fail('not_admin');
  if (user.enabled !== 1) throw await fail('disabled');
  await db
    .updateTable('users')
    .set({ failed_sign_ins: 0, sign_in_locked_until: null })
    .where('tenant_id', '=', request.tenantId)
    .where('id', '=', user.id)
    .execute();
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

function lockedFor(user: UserRow | undefined, now: Date): { retryAfterSeconds?: number } {
  if (!user?.sign_in_locked_until) return {};
  const seconds = Math.ceil((Date.parse(user.sign_in_locked_until) - now.getTime()) / 1000);
  return seconds > 0 ? { retryAfterSeconds: seconds } : {};
}
