import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { unknownNameForAudit } from '../audit/typed-name.js';
import type { Config } from '../config/schema.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { Database } from '../store/tables.js';
import { addMinutes, type Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

export interface GuardServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly config: Pick<Config, 'signInMaxFailures' | 'signInLockoutMinutes'>;
  /** Keys the hash that stands for a name matching no account (derived from the data key). */
  readonly guessKey: Buffer;
  /** Counts the locks (`ferry_cloud_lockouts_total`). */
  readonly metrics?: Pick<CloudMetrics, 'lockouts'>;
}

/** Where an attempt came from: the client address as trustProxy resolves it. */
export interface AttemptSource {
  readonly sourceIp: string;
  readonly requestId: string;
}

/** Whom a guess is aimed at: an account, or a name that matches none (`known: false`). */
export interface GuessSubject {
  readonly tenant_id: string;
  readonly id: string;
  readonly upn: string;
  readonly known?: boolean;
}

/** `admin`: the Admin center. `user`: My Account, the change screen, application sign-in. */
export type GuessSurface = 'admin' | 'user';

/** The row that stands for the subject's account-wide ceiling. */
const EVERY_SOURCE = '*';

/**
 * Limits password guesses (ADR 0014). Counters live in `guess_counters`, keyed by surface,
 * subject and source: a source that gives `signInMaxFailures` wrong answers is locked out of
 * that subject for `signInLockoutMinutes`, other sources (the owner's) are not; across all
 * sources a subject takes at most ten times that per window. A name that matches no account
 * counts like one, under a keyed hash, so the lock answer does not tell the two apart. An
 * attempt is counted before the password is checked, each counter in one conditional upsert,
 * so parallel guesses cannot slip past a limit on SQLite or PostgreSQL.
 */
export class GuessGuard {
  constructor(
    private readonly services: GuardServices,
    private readonly surface: GuessSurface = 'user',
  ) {}

  /** The subject that stands for a typed name matching no account. */
  unknownName(tenantId: string, typed: string): GuessSubject {
    const mac = createHmac('sha256', this.services.guessKey)
      .update(`${tenantId}:${typed.trim().toLowerCase()}`)
      .digest('base64url');
    return {
      tenant_id: tenantId,
      id: `name:${mac}`,
      upn: unknownNameForAudit(typed),
      known: false,
    };
  }

  /**
   * Counts the attempt on its source and on the account-wide ceiling in one transaction, or
   * refuses with `sign_in_locked` while either is locked: an attempt refused by one is counted
   * on neither. The ceiling row is taken first, so on PostgreSQL its row lock orders parallel
   * attempts on one subject; SQLite runs one transaction at a time.
   */
  async begin(subject: GuessSubject, source: AttemptSource): Promise<void> {
    const { signInMaxFailures: max } = this.services.config;
    const refused = await this.services.db
      .transaction()
      .execute(async (trx) => {
        const ceiling = await this.take(trx, subject, EVERY_SOURCE, max * 10);
        if (ceiling) throw new Refused(ceiling);
        const perSource = await this.take(trx, subject, source.sourceIp, max);
        if (perSource) throw new Refused(perSource);
        return null;
      })
      .catch((error: unknown) => {
        if (error instanceof Refused) return error.until;
        throw error;
      });
    if (refused) throw this.locked(refused);
  }

  /** The password was right: this source's count starts again; the attempt leaves the ceiling. */
  async succeeded(subject: GuessSubject, source: AttemptSource): Promise<void> {
    const { db } = this.services;
    await this.row(db.deleteFrom('guess_counters'), subject, source.sourceIp).execute();
    await this.row(db.updateTable('guess_counters'), subject, EVERY_SOURCE)
      .set((eb) => ({ failures: eb('failures', '-', 1) }))
      .where('failures', '>', 0)
      .where('locked', '=', 0)
      .execute();
  }

  /** The password was wrong: at a limit the source (or every source) locks, audited once. */
  async failed(subject: GuessSubject, source: AttemptSource, action: string): Promise<void> {
    const { signInMaxFailures: max } = this.services.config;
    const bySource = await this.lock(subject, source.sourceIp, max);
    const byCeiling = await this.lock(subject, EVERY_SOURCE, max * 10);
    await purgeClosedGuessCounters(this.services.db, this.services.clock);
    const lockedUntil = bySource ?? byCeiling;
    if (!lockedUntil) return;
    this.services.metrics?.lockouts.inc({ action });
    await this.services.audit.record({
      tenantId: subject.tenant_id,
      actor: { type: 'system' },
      action,
      target:
        subject.known === false
          ? { type: 'user', name: subject.upn }
          : { type: 'user', id: subject.id, name: subject.upn },
      result: 'success',
      sourceIp: source.sourceIp,
      requestId: source.requestId,
      detail: {
        scope: bySource ? 'source' : 'account',
        surface: this.surface,
        failures: bySource ? max : max * 10,
        lockedUntil,
      },
    });
  }

  /** Counts one attempt on a counter; answers when the counter is closed (it refuses). */
  private async take(
    db: Kysely<Database>,
    subject: GuessSubject,
    source: string,
    limit: number,
  ): Promise<Date | null> {
    const { clock, config } = this.services;
    const now = clock.now().toISOString();
    const ends = addMinutes(clock.now(), config.signInLockoutMinutes).toISOString();
    const expired = sql<boolean>`guess_counters.window_ends <= ${now}`;
    const taken = await db
      .insertInto('guess_counters')
      .values({
        tenant_id: subject.tenant_id,
        surface: this.surface,
        subject: subject.id,
        source,
        failures: 1,
        window_ends: ends,
        locked: 0,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'surface', 'subject', 'source'])
          .doUpdateSet({
            failures: sql<number>`case when ${expired} then 1 else guess_counters.failures + 1 end`,
            window_ends: sql<string>`case when ${expired} then ${ends} else guess_counters.window_ends end`,
            locked: sql<number>`case when ${expired} then 0 else guess_counters.locked end`,
          })
          .where(sql<boolean>`${expired} or guess_counters.failures < ${limit}`),
      )
      .executeTakeFirst();
    if (Number(taken.numInsertedOrUpdatedRows) === 1) return null;
    const row = await this.row(db.selectFrom('guess_counters'), subject, source)
      .select('window_ends')
      .executeTakeFirst();
    return new Date(row ? Date.parse(row.window_ends) : Date.parse(ends));
  }

  /** Locks a counter that reached its limit (once); answers until when, or null. */
  private async lock(subject: GuessSubject, source: string, limit: number): Promise<string | null> {
    const { db, clock, config } = this.services;
    const now = clock.now();
    const until = addMinutes(now, config.signInLockoutMinutes).toISOString();
    const locked = await this.row(db.updateTable('guess_counters'), subject, source)
      .set({ locked: 1, window_ends: until })
      .where('failures', '>=', limit)
      .where('locked', '=', 0)
      .where('window_ends', '>', now.toISOString())
      .executeTakeFirst();
    return Number(locked.numUpdatedRows) === 1 ? until : null;
  }

  private row<
    Q extends {
      where(column: 'tenant_id' | 'surface' | 'subject' | 'source', op: '=', value: string): Q;
    },
  >(query: Q, subject: GuessSubject, source: string): Q {
    return query
      .where('tenant_id', '=', subject.tenant_id)
      .where('surface', '=', this.surface)
      .where('subject', '=', subject.id)
      .where('source', '=', source);
  }

  private locked(until: Date): FerryError {
    const now = this.services.clock.now().getTime();
    return new FerryError('sign_in_locked', 'too many wrong passwords for this account', {
      retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now) / 1000)),
      allowedAt: until,
    });
  }
}

/** Thrown inside the counting transaction to roll it back. */
class Refused extends Error {
  constructor(readonly until: Date) {
    super('guess refused');
  }
}

/** How many closed counters one wrong guess removes at most (bounded work on each write). */
export const GUESS_PURGE_BATCH = 50;

/**
 * Deletes up to `batch` counters whose window (or lock) has closed. Run on every wrong guess,
 * so the table holds about the counters of the current window; each call is bounded, and a
 * closed row is harmless until then (`take` resets it in place).
 */
export async function purgeClosedGuessCounters(
  db: Kysely<Database>,
  clock: Clock,
  batch = GUESS_PURGE_BATCH,
): Promise<number> {
  const now = clock.now().toISOString();
  const gone = await db
    .deleteFrom('guess_counters')
    .where((eb) =>
      eb(
        eb.refTuple('tenant_id', 'surface', 'subject', 'source'),
        'in',
        eb
          .selectFrom('guess_counters')
          .select(['tenant_id', 'surface', 'subject', 'source'])
          .where('window_ends', '<=', now)
          .limit(batch)
          .$asTuple('tenant_id', 'surface', 'subject', 'source'),
      ),
    )
    .executeTakeFirst();
  return Number(gone.numDeletedRows);
}

/** Clears every guess counter of a subject, on every surface and source (unlock, admin reset). */
export async function clearGuessCounters(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
): Promise<void> {
  await db
    .deleteFrom('guess_counters')
    .where('tenant_id', '=', tenantId)
    .where('subject', '=', subjectId)
    .execute();
}
