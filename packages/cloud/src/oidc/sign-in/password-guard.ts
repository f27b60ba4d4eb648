import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { GuessGuard, type AttemptSource } from '../../auth/guess-guard.js';
import type { Config } from '../../config/schema.js';
import type { CloudMetrics } from '../../metrics/cloud-metrics.js';
import type { Database, UserRow } from '../../store/tables.js';
import type { Clock } from '../../util/clock.js';

/**
 * The per-account guess limit an application sign-in applies to its password and second
 * factor checks: counted before the check in one conditional UPDATE, lockout that stops
 * relaying to AD before AD's own threshold, no difference for unknown accounts.
 */
export interface PasswordGuard {
  begin(user: UserRow): Promise<void>;
  succeeded(user: UserRow): Promise<void>;
  failed(user: UserRow, source: AttemptSource, action: string): Promise<void>;
}

export interface PasswordGuardDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly config: Pick<Config, 'signInMaxFailures' | 'signInLockoutMinutes'>;
  readonly metrics?: Pick<CloudMetrics, 'lockouts'>;
}

/** The one place the sign-in picks its guard: My Account's, so one account has one counter. */
export const createPasswordGuard = (deps: PasswordGuardDeps): PasswordGuard => new GuessGuard(deps);
