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
    /** Told of each refused attempt (metrics: `ferry_cloud_throttled_total{scope}`). */
    private readonly onRefused: (scope: string) => void = () => undefined,
  ) {}

  /** Counts one attempt, or throws rate_limited with retryAfter when the budget is spent. */
  async take(
    key: { tenantId: string; scope: string; subject: string },
    rule: ThrottleRule = hourlyFive,
  ): Promise<void> {
    const now = this.clock.now();
    // Every step is conditional, so parallel attempts cannot all open a fresh window: the
    // losers of a race read the row again and take the increment path.
    for (let round = 0; round < 3; round += 1) {
      const row = await this.db
        .selectFrom('throttle_counters')
        .select(['window_start', 'count'])
        .where('tenant_id', '=', key.tenantId)
        .where('scope', '=', key.scope)
        .where('subject', '=', key.subject)
        .executeTakeFirst();
      if (!row) {
        const inserted = await this.db
          .insertInto('throttle_counters')
          .values({
            tenant_id: key.tenantId,
            scope: key.scope,
            subject: key.subject,
            window_start: now.toISOString(),
            count: 1,
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'scope', 'subject']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return;
        continue;
      }
      const windowEnds = new Date(row.window_start).getTime() + rule.windowMs;
      const expired = windowEnds <= now.getTime();
      let update = this.db
        .updateTable('throttle_counters')
        .set((eb) =>
          expired ? { window_start: now.toISOString(), count: 1 } : { count: eb('count', '+', 1) },
        )
        .where('tenant_id', '=', key.tenantId)
        .where('scope', '=', key.scope)
        .where('subject', '=', key.subject)
        .where('window_start', '=', row.window_start);
      if (!expired) update = update.where('count', '<', rule.max);
      const taken = await update.executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return;
      if (!expired && row.count >= rule.max) {
        this.onRefused(key.scope);
        throw new FerryError('rate_limited', `throttle ${key.scope} exhausted`, {
          retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now.getTime()) / 1000)),
          allowedAt: new Date(windowEnds),
        });
      }
    }
    this.onRefused(key.scope);
    throw new FerryError('rate_limited', `throttle ${key.scope} contended`, {
      retryAfterSeconds: 1,
      allowedAt: new Date(now.getTime() + 1000),
    });
  }

  /**
   * Returns one attempt taken in the current window: for an attempt the caller did not spend
   * (Ferry refused it before the directory judged anything). Never below zero.
   */
  async giveBack(key: { tenantId: string; scope: string; subject: string }): Promise<void> {
    await this.db
      .updateTable('throttle_counters')
      .set((eb) => ({ count: eb('count', '-', 1) }))
      .where('tenant_id', '=', key.tenantId)
      .where('scope', '=', key.scope)
      .where('subject', '=', key.subject)
      .where('count', '>', 0)
      .execute();
  }

  /** Drops counters whose window ended long ago (called now and then; they only grow). */
  async purge(olderThanMs = 24 * 3_600_000): Promise<void> {
    await this.db
      .deleteFrom('throttle_counters')
      .where('window_start', '<', new Date(this.clock.now().getTime() - olderThanMs).toISOString())
      .execute();
  }
}
