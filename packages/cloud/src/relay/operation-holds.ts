import type { Outcome } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../util/clock.js';
import type { Database } from '../store/tables.js';
import { retryWhileUnreachable } from '../store/store-unreachable.js';
import { endHold, isHeld } from './operation-store.js';
import type { RelayBus } from './relay-bus.js';

/**
 * How long a claim waits at most to hear that another node's hold ended; only a lost bus
 * message (a PostgreSQL listener reconnecting) makes it wait that long. The claim then asks
 * the row, which refuses it while still `held`.
 */
const REMOTE_WAIT_LIMIT_MS = 2_000;

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
  /** Claims waiting on a hold of another node, woken by its `hold_ended` on the bus. */
  readonly #remote = new Map<string, Set<() => void>>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: RelayBus,
    private readonly clock: Clock,
    private readonly remoteWaitLimitMs = REMOTE_WAIT_LIMIT_MS,
  ) {
    this.#unsubscribe = bus.subscribe((message) => {
      if (message.type !== 'hold_ended') return;
      for (const wake of this.#remote.get(message.operationId) ?? []) wake();
    });
  }

  close(): void {
    this.#unsubscribe();
    for (const waiting of this.#remote.values()) for (const wake of waiting) wake();
  }

  /** Marks an operation held by this node (its row is inserted as `held`). */
  hold(operationId: string): void {
    this.#local.set(operationId, []);
  }

  /**
   * Ends the hold: `pending` when the check passed, else `cancelled` with its refusal. A
   * claim waiting on a passed check hears it at once and may take the row while still `held`
   * (one UPDATE on the user's wait instead of two); a refusal is written before anyone hears.
   * Other nodes hear it on the bus once the row says how it ended. While PostgreSQL is away
   * (restarting) the row is written again until `deadline` (wall ms), then the failure thrown.
   */
  async release(
    operationId: string,
    refusal: Outcome | undefined,
    deadline = Date.now(),
  ): Promise<void> {
    if (!refusal) {
      this.#passing.add(operationId);
      this.#notify(operationId, true);
    }
    try {
      await retryWhileUnreachable(
        () => endHold(this.db, operationId, refusal, this.clock.now()),
        deadline,
      );
    } finally {
      this.#passing.delete(operationId);
      this.#notify(operationId, false);
      // Not awaited, off the user's wait; if it is lost, a waiting claim stops at the limit.
      void this.bus.publish({ type: 'hold_ended', operationId }).catch(() => undefined);
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
   * held by another node (several nodes on one PostgreSQL) resolves false once that node says
   * on the bus that the hold ended: the row says how it ended.
   */
  async released(operationId: string): Promise<boolean> {
    if (this.#passing.has(operationId)) return true;
    const listeners = this.#local.get(operationId);
    if (listeners) return new Promise<boolean>((resolve) => listeners.push(resolve));
    // Listening before reading the row: an end between the two is heard, not missed.
    const ended = this.#hearEnd(operationId);
    try {
      if (await isHeld(this.db, operationId)) await ended.heard;
    } finally {
      ended.stop();
    }
    return false;
  }

  /** Settles on the hold's `hold_ended`, or at the limit should that message be lost. */
  #hearEnd(operationId: string): { heard: Promise<void>; stop(): void } {
    const waiting = this.#remote.get(operationId) ?? new Set<() => void>();
    this.#remote.set(operationId, waiting);
    let wake = (): void => undefined;
    const heard = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(wake, this.remoteWaitLimitMs);
    waiting.add(wake);
    return {
      heard,
      stop: () => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0 && this.#remote.get(operationId) === waiting)
          this.#remote.delete(operationId);
      },
    };
  }
}
