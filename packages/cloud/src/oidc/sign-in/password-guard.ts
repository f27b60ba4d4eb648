import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { GuessGuard, type AttemptSource, type GuessSubject } from '../../auth/guess-guard.js';
import type { Config } from '../../config/schema.js';
import type { CloudMetrics } from '../../metrics/cloud-metrics.js';
import type { Database } from '../../store/tables.js';
import type { Clock } from '../../util/clock.js';

/**
 * The guess limits an application sign-in applies to its password and second factor checks
 * (ADR 0014): per source and account-wide, counted before the check, unknown names counted
 * like accounts; the limits stop relaying to AD before AD's own threshold.
 */
export interface PasswordGuard {
  unknownName(tenantId: string, typed: string): GuessSubject;
  begin(subject: GuessSubject, source: AttemptSource): Promise<void>;
  succeeded(subject: GuessSubject, source: AttemptSource): Promise<void>;
  failed(subject: GuessSubject, source: AttemptSource, action: string): Promise<void>;
}

export interface PasswordGuardDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly config: Pick<Config, 'signInMaxFailures' | 'signInLockoutMinutes'>;
  readonly metrics?: Pick<CloudMetrics, 'lockouts'>;
  readonly guessKey: Buffer;
}

/** The one place the sign-in picks its guard: the `user` surface's, as My Account's. */
export const createPasswordGuard = (deps: PasswordGuardDeps): PasswordGuard => new GuessGuard(deps);
