import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { GuessGuard, type AttemptSource, type GuardServices } from '../auth/guess-guard.js';
import type { VerificationMethods } from '../directory/verification-methods.js';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';
import { verifyTotp } from '../verification/totp.js';

export interface TotpReproofServices extends GuardServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly methods: Pick<VerificationMethods, 'totpSeed'>;
}

/**
 * Re-proof in a My Account session with the registered authenticator app (issue 13 item 6, as
 * Entra re-asks MFA): a code counts under the `user` surface's guess limits like a password,
 * and each 30-second step is burnt once used (`totp_steps`), so a code seen once cannot be
 * replayed here or at sign-in. A user without an authenticator app gets the same answer as a
 * wrong code.
 */
export async function reauthenticateWithTotp(
  services: TotpReproofServices,
  user: UserRow,
  code: Secret,
  source: AttemptSource,
): Promise<void> {
  const guard = new GuessGuard(services);
  const audit = (result: string) =>
    services.audit.record({
      tenantId: user.tenant_id,
      actor: { type: 'user', id: user.id, name: user.upn },
      action: 'me.reauthenticate',
      target: { type: 'user', id: user.id, name: user.upn },
      result,
      sourceIp: source.sourceIp,
      requestId: source.requestId,
      detail: { method: 'totp' },
    });
  try {
    await guard.begin(user, source);
  } catch (error) {
    await audit((error as FerryError).code);
    throw error;
  }
  const seed = await services.methods.totpSeed(user.tenant_id, user.id);
  const ok =
    seed !== undefined &&
    (await verifyTotp(services.db, services.clock, {
      tenantId: user.tenant_id,
      userId: user.id,
      seed,
      code,
    }));
  if (ok) {
    await guard.succeeded(user, source);
    await audit('success');
    return;
  }
  await guard.failed(user, source, 'me.lockout');
  await audit('verification_failed');
  throw new FerryError('verification_failed', 'wrong authenticator code in a re-proof');
}
