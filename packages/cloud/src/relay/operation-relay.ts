import type { OperationKind, OperationRequest, Outcome } from '@ferry/protocol';
import type { CryptoKey } from 'jose';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock, Random } from '../util/clock.js';
import { onlineAgents, type OnlineAgent } from './agent-store.js';
import { chooseCandidates } from './agent-selection.js';
import { OperationDispatch } from './operation-dispatch.js';
import { OperationHolds } from './operation-holds.js';
import {
  attemptTrace,
  expireOperation,
  insertOperation,
  requeueOperation,
} from './operation-store.js';
import type { AgentSessions } from './agent-sessions.js';
import type { RelayRequest, RelayResult } from './relay-request.js';
import type { BusMessage, RelayBus } from './relay-bus.js';
import type { Database } from '../store/tables.js';
import { isStoreUnreachable, retryWhileUnreachable } from '../store/store-unreachable.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';

export interface RelayOptions {
  readonly db: Kysely<Database>;
  readonly bus: RelayBus;
  readonly sessions: AgentSessions;
  readonly nodeId: string;
  readonly signingKey: () => CryptoKey;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  /** How long a user waits at most; also the operation's expiry. */
  readonly timeoutMs: number;
  /** An agent not heard from for this long counts as offline. */
  readonly agentStaleMs: number;
  /** Counts each operation by kind and outcome, with its latency. */
  readonly metrics?: Pick<CloudMetrics, 'writeback'>;
}

const RECONNECT_POLL_MS = 250;
/**
 * How long past its expiry a caller waits at most for the store to answer how its operation
 * ended (PostgreSQL restarting); then it hears `outcome_unknown`, the one answer that cannot
 * be false (no claim is granted after expiry, so nothing can land later).
 */
const EXPIRY_GRACE_MS = 10_000;
const UNKNOWN_WHILE_STORE_AWAY: Outcome = {
  code: 'outcome_unknown',
  detail: 'the cloud could not read how the operation ended; it may have been applied',
};

const WRITES: ReadonlySet<OperationKind> = new Set([
  'sspr_reset',
  'admin_reset',
  'change',
  'unlock',
]);

type WaiterEvent =
  | { kind: 'result'; outcome: Outcome }
  | { kind: 'lost' }
  /** The cloud's own check refused the password (outcome) or failed (error). */
  | { kind: 'cancelled'; outcome: Outcome; error?: unknown };

type Waiter = {
  readonly agentId: string;
  resolve(event: WaiterEvent): void;
};

/**
 * Hands a password operation to an online agent of the tenant and waits for its outcome.
 * Agents serve active-active: each operation goes to one of them at random; if that agent's
 * socket drops, the operation goes to another, which first checks whether the first one's
 * write already landed. An operation past its expiry is never claimed, so never applied.
 */
export class OperationRelay {
  readonly #options: RelayOptions;
  readonly #waiters = new Map<string, Waiter>();
  /** Operations the cloud's own check refused, until their submit returns (no agent may take
   *  them: a retry, or a wait for an agent, ends with the refusal). */
  readonly #refused = new Map<string, Extract<WaiterEvent, { kind: 'cancelled' }>>();
  readonly #unsubscribe: () => void;
  readonly holds: OperationHolds;
  readonly #dispatch: OperationDispatch;

  constructor(options: RelayOptions) {
    this.#options = options;
    this.#dispatch = new OperationDispatch(options);
    this.holds = new OperationHolds(options.db, options.bus, options.clock);
    this.#unsubscribe = options.bus.subscribe((message) => this.#onBus(message));
  }

  close(): void {
    this.#unsubscribe();
    this.holds.close();
    this.#dispatch.close();
    for (const waiter of this.#waiters.values()) waiter.resolve({ kind: 'lost' });
  }

  async submit(request: RelayRequest): Promise<RelayResult> {
    // Wall time, not the injected clock: the latency a user waits.
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await this.#submit(request);
      outcome = result.outcome.code;
      return result;
    } finally {
      this.#options.metrics?.writeback(request.kind, outcome, (performance.now() - started) / 1000);
    }
  }

  async #submit(request: RelayRequest): Promise<RelayResult> {
    const { db, clock, random, timeoutMs, agentStaleMs } = this.#options;
    const now = clock.now();
    const isWrite = WRITES.has(request.kind);
    const online = await onlineAgents(db, request.tenantId, new Date(now.getTime() - agentStaleMs));
    // With no able agent at submission the user hears why at once, without waiting.
    const pick = chooseCandidates(online, isWrite, random);
    const operationId = random.uuid();
    if ('outcome' in pick) {
      // The password's own faults come first.
      const refusal = await request.precheck?.(online);
      return { operationId, agentId: undefined, outcome: refusal ?? pick.outcome };
    }

    const expiresAt = new Date(now.getTime() + (request.timeoutMs ?? timeoutMs));
    await insertOperation(db, {
      id: operationId,
      tenantId: request.tenantId,
      kind: request.kind,
      target: request.target,
      requestedBy: request.requestedBy ?? null,
      held: request.precheck !== undefined,
      now,
      expiresAt,
    });
    if (request.precheck) this.holds.hold(operationId);

    try {
      return await this.#relay(request, operationId, expiresAt, online, pick.agents);
    } finally {
      this.#refused.delete(operationId);
    }
  }

  /** Attempts on the candidates in turn, another after an agent is lost, until expiry. */
  async #relay(
    request: RelayRequest,
    operationId: string,
    expiresAt: Date,
    online: readonly OnlineAgent[],
    firstCandidates: OnlineAgent[],
  ): Promise<RelayResult> {
    const { db, clock } = this.#options;
    const isWrite = WRITES.has(request.kind);
    let precheck = request.precheck;
    let candidates = firstCandidates;
    let lost: string | undefined;
    while (clock.now() < expiresAt) {
      const refused = this.#refused.get(operationId);
      if (refused) {
        if (refused.error !== undefined) throw refused.error;
        return { operationId, agentId: undefined, outcome: refused.outcome };
      }
      const agent = candidates.find((candidate) => candidate.id !== lost) ?? candidates[0];
      if (!agent) {
        // Every agent went away mid-operation: wait for one to (re)connect until expiry.
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_POLL_MS));
        candidates = await this.#candidates(request.tenantId, isWrite);
        continue;
      }
      const check = precheck;
      precheck = undefined;
      const event = await this.#attempt(
        request,
        operationId,
        expiresAt,
        agent,
        lost !== undefined,
        // Started once the operation is on its way: waking the check's thread would otherwise
        // hold up the dispatch (about 1 ms here), and the agent verifies, decrypts and looks
        // the user up meanwhile.
        check && (() => void this.#settlePrecheck(operationId, expiresAt, check(online))),
      );
      if (event.kind === 'result') {
        return { operationId, agentId: agent.id, outcome: event.outcome };
      }
      if (event.kind === 'cancelled') {
        if (event.error !== undefined) throw event.error;
        return { operationId, agentId: undefined, outcome: event.outcome };
      }
      if (event.kind === 'timeout') break;
      // The agent went away: put the operation back for another agent, keeping what the
      // first one saw of the user so the next can tell whether its write landed.
      lost = agent.id;
      try {
        await retryWhileUnreachable(
          () => requeueOperation(db, operationId, agent.id),
          this.#wallDeadline(expiresAt),
        );
      } catch (error) {
        // Still `claimed` by the lost agent: no other agent can take it; it ends at expiry.
        if (!isStoreUnreachable(error)) throw error;
        break;
      }
      candidates = await this.#candidates(request.tenantId, isWrite);
    }
    return { operationId, agentId: undefined, outcome: await this.#expire(operationId, expiresAt) };
  }

  /**
   * Ends the operation at its expiry. While PostgreSQL is away (restarting) the caller waits
   * for it a little past the expiry; if it is still away, the answer is `outcome_unknown`.
   */
  async #expire(operationId: string, expiresAt: Date): Promise<Outcome> {
    const { db, clock, log } = this.#options;
    try {
      return await retryWhileUnreachable(
        () => expireOperation(db, operationId, clock.now()),
        this.#wallDeadline(expiresAt) + EXPIRY_GRACE_MS,
      );
    } catch (error) {
      if (!isStoreUnreachable(error)) throw error;
      log.warn({ operationId, reason: (error as Error).message }, 'relay: store away at expiry');
      return UNKNOWN_WHILE_STORE_AWAY;
    }
  }

  /** The wall-clock instant (ms) of an expiry read on the injected clock. */
  #wallDeadline(expiresAt: Date): number {
    return Date.now() + (expiresAt.getTime() - this.#options.clock.now().getTime());
  }

  async #candidates(tenantId: string, isWrite: boolean): Promise<OnlineAgent[]> {
    const { db, clock, random, agentStaleMs } = this.#options;
    let online: OnlineAgent[];
    try {
      online = await onlineAgents(db, tenantId, new Date(clock.now().getTime() - agentStaleMs));
    } catch (error) {
      // PostgreSQL away: no agent for now; the relay asks again after its poll interval.
      if (!isStoreUnreachable(error)) throw error;
      return [];
    }
    const pick = chooseCandidates(online, isWrite, random);
    return 'agents' in pick ? pick.agents : [];
  }

  async #attempt(
    request: RelayRequest,
    operationId: string,
    expiresAt: Date,
    agent: OnlineAgent,
    retry: boolean,
    afterDispatch?: () => void,
  ): Promise<WaiterEvent | { kind: 'timeout' }> {
    const { db, clock } = this.#options;
    // A retry first looks at what the lost attempt left: a result, or the user's pwdLastSet.
    const row = retry
      ? await retryWhileUnreachable(
          () => attemptTrace(db, operationId),
          this.#wallDeadline(expiresAt),
        ).catch((error: unknown) => {
          if (isStoreUnreachable(error)) return undefined;
          throw error;
        })
      : { prior_pwd_last_set: null, state: 'pending', outcome_json: null };
    // The store stayed away until expiry: the operation ends as expired operations do.
    if (!row) return { kind: 'timeout' };
    if (row.state === 'done' && row.outcome_json) {
      return { kind: 'result', outcome: JSON.parse(row.outcome_json) as Outcome };
    }
    const operation: OperationRequest = {
      id: operationId,
      kind: request.kind,
      tenantId: request.tenantId,
      agentId: agent.id,
      target: request.target,
      options: { ...request.options },
      issuedAt: clock.now().toISOString(),
      expiresAt: expiresAt.toISOString(),
      ...(row.prior_pwd_last_set ? { priorPasswordLastSet: row.prior_pwd_last_set } : {}),
    };
    const jws = await this.#dispatch.seal(operation, agent, request.secrets);
    const remaining = expiresAt.getTime() - clock.now().getTime();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.#waiters.delete(operationId);
          resolve({ kind: 'timeout' });
        },
        Math.max(0, remaining),
      );
      const waiter: Waiter = {
        agentId: agent.id,
        resolve: (event) => {
          clearTimeout(timer);
          this.#waiters.delete(operationId);
          resolve(event);
        },
      };
      this.#waiters.set(operationId, waiter);
      // Refused while this attempt was being prepared: no agent may take it.
      const refused = this.#refused.get(operationId);
      if (refused) {
        waiter.resolve(refused);
        return;
      }
      void this.#dispatch.dispatch(agent, operationId, jws).finally(() => afterDispatch?.());
    });
  }

  /** Once the cloud's own check of a held operation ends, releases or cancels it. */
  async #settlePrecheck(
    operationId: string,
    expiresAt: Date,
    check: Promise<Outcome | undefined>,
  ): Promise<void> {
    let refusal: Outcome | undefined;
    let error: unknown;
    try {
      refusal = await check;
    } catch (failure) {
      error = failure;
      refusal = { code: 'operation_rejected', detail: 'the cloud could not check the password' };
    }
    try {
      await this.holds.release(operationId, refusal, this.#wallDeadline(expiresAt));
    } catch (failure) {
      // Not awaited by anyone: a failure here must not end the process. The row still reads
      // `held`, which no claim takes (but one this node already told that the check passed):
      // a refusal is still the caller's answer; a pass ends at expiry unless claimed.
      this.#options.log.warn(
        { operationId, reason: (failure as Error).message },
        'relay: the end of a hold could not be recorded',
      );
    }
    if (!refusal) return;
    const cancelled = { kind: 'cancelled', outcome: refusal, error } as const;
    this.#refused.set(operationId, cancelled);
    this.#waiters.get(operationId)?.resolve(cancelled);
  }

  #onBus(message: BusMessage): void {
    switch (message.type) {
      case 'result':
        this.#waiters
          .get(message.operationId)
          ?.resolve({ kind: 'result', outcome: message.outcome });
        return;
      case 'agent_lost':
        for (const operationId of message.operationIds) {
          const waiter = this.#waiters.get(operationId);
          if (waiter?.agentId === message.agentId) waiter.resolve({ kind: 'lost' });
        }
        return;
    }
  }
}
