import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

export interface ThrottleRule {
  readonly max: number;
  readonly windowMs: number;
}

/** About five tries an hour, as Entra allows per user and per method. */
export const hourlyFive: ThrottleRule = { max: 5, windowMs: 60 * 60_000 };

/**
 * Fixed-window attempt counters in the store (so every node sees the same counts). The
 * window opens at the first attempt; past `max` attempts the caller waits for it to close.
 */
export class Throttle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Counts one attempt, or throws rate_limited with retryAfter when the budget is spent. */
  async take(
    key: { tenantId: string; scope: string; subject: string },
    rule: ThrottleRule = hourlyFive,
  ): Promise<void> {
    const now = this.clock.now();
    const where = this.db
      .selectFrom('throttle_counters')
      .select(['window_start', 'count'])
      .where('tenant_id', '=', key.tenantId)
      .where('scope', '=', key.scope)
      .where('subject', '=', key.subject);
    const row = await where.executeTakeFirst();
    const windowEnds = row ? new Date(row.window_start).getTime() + rule.windowMs : 0;
    if (!row || windowEnds <= now.getTime()) {
      await this.db
        .insertInto('throttle_counters')
        .values({
          tenant_id: key.tenantId,
          scope: key.scope,
          subject: key.subject,
          window_start: now.toISOString(),
          count: 1,
        })
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'scope', 'subject'])
            .doUpdateSet({ window_start: now.toISOString(), count: 1 }),
        )
        .execute();
      return;
    }
    const counted = await this.db
      .updateTable('throttle_counters')
      .set((eb) => ({ count: eb('count', '+', 1) }))
      .where('tenant_id', '=', key.tenantId)
      .where('scope', '=', key.scope)
      .where('subject', '=', key.subject)
      .where('window_start', '=', row.window_start)
      .where('count', '<', rule.max)
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) === 1) return;
    throw new FerryError('rate_limited', `throttle ${key.scope} exhausted`, {
      retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
    });
  }
}
