import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { Database, UserRow } from '../store/tables.js';
import { addMinutes, type Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

export interface GuardServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly config: Pick<Config, 'signInMaxFailures' | 'signInLockoutMinutes'>;
  /** Counts the locks (`ferry_cloud_lockouts_total`). */
  readonly metrics?: Pick<CloudMetrics, 'lockouts'>;
}

/** Where an attempt came from, for the lockout's audit row. */
export interface AttemptSource {
  readonly sourceIp: string;
  readonly requestId: string;
}

/**
 * Limits password guesses per account wherever a password is checked without a session
 * (My Account sign-in, the change screen) or by a session holder (My Account change):
 * `signInMaxFailures` wrong answers in a row lock the account for `signInLockoutMinutes`.
 * An attempt is counted before the password is checked, in one conditional UPDATE, so
 * parallel guesses cannot slip past the limit; for a synced user the cloud so stops relaying
 * guesses before AD's own lockout is reached.
 */
export class GuessGuard {
  constructor(private readonly services: GuardServices) {}

  /** Counts the attempt, or refuses with `sign_in_locked` while the account is locked. */
  async begin(user: UserRow): Promise<void> {
    const { db, clock, config } = this.services;
    const now = clock.now();
    const taken = await db
      .updateTable('users')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('tenant_id', '=', user.tenant_id)
      .where('id', '=', user.id)
      .where('failed_sign_ins', '<', config.signInMaxFailures)
      .where((eb) =>
        eb.or([
          eb('sign_in_locked_until', 'is', null),
          eb('sign_in_locked_until', '<=', now.toISOString()),
        ]),
      )
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) return;
    const row = await db
      .selectFrom('users')
      .select('sign_in_locked_until')
      .where('tenant_id', '=', user.tenant_id)
      .where('id', '=', user.id)
      .executeTakeFirst();
    const until = row?.sign_in_locked_until
      ? Date.parse(row.sign_in_locked_until)
      : addMinutes(now, config.signInLockoutMinutes).getTime();
    throw new FerryError('sign_in_locked', 'too many wrong passwords for this account', {
      retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)),
      allowedAt: new Date(until),
    });
  }

  /** The password was right: the count starts again. */
  async succeeded(user: UserRow): Promise<void> {
    await this.services.db
      .updateTable('users')
      .set({ failed_sign_ins: 0, sign_in_locked_until: null })
      .where('tenant_id', '=', user.tenant_id)
      .where('id', '=', user.id)
      .execute();
  }

  /** The password was wrong: at the limit the account locks (and the lock is audited). */
  async failed(user: UserRow, source: AttemptSource, action: string): Promise<void> {
    const { db, clock, config, audit } = this.services;
    const lockedUntil = addMinutes(clock.now(), config.signInLockoutMinutes).toISOString();
    const locked = await db
      .updateTable('users')
      .set({ failed_sign_ins: 0, sign_in_locked_until: lockedUntil })
      .where('tenant_id', '=', user.tenant_id)
      .where('id', '=', user.id)
      .where('failed_sign_ins', '>=', config.signInMaxFailures)
      .executeTakeFirst();
    if (Number(locked.numUpdatedRows) !== 1) return;
    this.services.metrics?.lockouts.inc({ action });
    await audit.record({
      tenantId: user.tenant_id,
      actor: { type: 'system' },
      action,
      target: { type: 'user', id: user.id, name: user.upn },
      result: 'success',
      sourceIp: source.sourceIp,
      requestId: source.requestId,
      detail: { failures: config.signInMaxFailures, lockedUntil },
    });
  }
}
