import type { Outcome } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../util/clock.js';
import type { Database } from '../store/tables.js';

/** How often a node polls an operation held by another node, and for how long at most. */
const POLL_MS = 2;
const POLL_LIMIT_MS = 2_000;

/**
 * Operations dispatched while the cloud still checks the password against the rules it knows
 * (state `held`): the agent verifies, decrypts and looks the user up meanwhile, but its claim
 * — and so any write — waits until the check passes (`pending`) or refuses (`cancelled`).
 * The check's CPU time then overlaps the agent's work instead of adding to the user's wait.
 */
export class OperationHolds {
  readonly #local = new Map<string, Array<() => void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Marks an operation held by this node (its row is inserted as `held`). */
  hold(operationId: string): void {
    this.#local.set(operationId, []);
  }

  /** Ends the hold: `pending` when the check passed, else `cancelled` with its refusal. */
  async release(operationId: string, refusal: Outcome | undefined): Promise<void> {
    try {
      await this.db
        .updateTable('operations')
        .set(
          refusal
            ? {
                state: 'cancelled',
                outcome_code: refusal.code,
                outcome_json: JSON.stringify(refusal),
                completed_at: this.clock.now().toISOString(),
              }
            : { state: 'pending' },
        )
        .where('id', '=', operationId)
        .where('state', '=', 'held')
        .execute();
    } finally {
      const listeners = this.#local.get(operationId) ?? [];
      this.#local.delete(operationId);
      for (const listener of listeners) listener();
    }
  }

  /**
   * Resolves once the operation is not held (at once if it never was). An operation held by
   * another node (several nodes on one PostgreSQL) is polled, for a short while at most.
   */
  async released(operationId: string): Promise<void> {
    const listeners = this.#local.get(operationId);
    if (listeners) {
      await new Promise<void>((resolve) => listeners.push(resolve));
      return;
    }
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      const row = await this.db
        .selectFrom('operations')
        .select('state')
        .where('id', '=', operationId)
        .executeTakeFirst();
      if (row?.state !== 'held' || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
