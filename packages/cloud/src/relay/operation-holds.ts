import type { Outcome } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../util/clock.js';
import type { Database } from '../store/tables.js';
import { endHold, isHeld } from './operation-store.js';

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
  /** Claims waiting on a hold of this node, told whether its check passed. */
  readonly #local = new Map<string, Array<(passed: boolean) => void>>();
  /** Checks that passed here while their row is still being set to `pending`. */
  readonly #passing = new Set<string>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Marks an operation held by this node (its row is inserted as `held`). */
  hold(operationId: string): void {
    this.#local.set(operationId, []);
  }

  /**
   * Ends the hold: `pending` when the check passed, else `cancelled` with its refusal. A
   * claim waiting on a passed check hears it at once and may take the row while still `held`
   * (one UPDATE on the user's wait instead of two); a refusal is written before anyone hears.
   */
  async release(operationId: string, refusal: Outcome | undefined): Promise<void> {
    if (!refusal) {
      this.#passing.add(operationId);
      this.#notify(operationId, true);
    }
    try {
      await endHold(this.db, operationId, refusal, this.clock.now());
    } finally {
      this.#passing.delete(operationId);
      this.#notify(operationId, false);
    }
  }

  #notify(operationId: string, passed: boolean): void {
    const listeners = this.#local.get(operationId) ?? [];
    this.#local.delete(operationId);
    for (const listener of listeners) listener(passed);
  }

  /**
   * Resolves once the operation is not held (at once if it never was): true when this node's
   * check passed, so a claim may take the row even before it reads `pending`. An operation
   * held by another node (several nodes on one PostgreSQL) is polled, for a short while at
   * most, and resolves false: the row says how it ended.
   */
  async released(operationId: string): Promise<boolean> {
    if (this.#passing.has(operationId)) return true;
    const listeners = this.#local.get(operationId);
    if (listeners) return new Promise<boolean>((resolve) => listeners.push(resolve));
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      if (!(await isHeld(this.db, operationId)) || Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
