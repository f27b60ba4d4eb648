import type { AgentMessage, CloudMessage } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  STORE_RESTART_WAIT_MS,
  isStoreUnreachable,
  retryWhileUnreachable,
} from '../store/store-unreachable.js';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { countServedOperation } from './agent-store.js';
import type { AgentSession } from './agent-sessions.js';
import type { OperationHolds } from './operation-holds.js';
import { claimOperation, completeOperation, recordPriorStamp } from './operation-store.js';
import type { RelayBus } from './relay-bus.js';

export interface ClaimsOptions {
  readonly db: Kysely<Database>;
  readonly bus: RelayBus;
  readonly holds: OperationHolds;
  readonly clock: Clock;
  readonly log: Logger;
}

type Send = (message: CloudMessage) => void;

/**
 * An agent's part in an operation it was sent: its claim (the right to write), the stamp it
 * reports before writing, and its result, which reaches the waiting caller on any node.
 */
export class OperationClaims {
  readonly #options: ClaimsOptions;

  constructor(options: ClaimsOptions) {
    this.#options = options;
  }

  /** Answers the claim in the background; a disconnect waits for it (`session.claims`). */
  claim(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'claim' }>,
    send: Send,
  ): void {
    const answering = this.#answerClaim(session, message, send).catch((error: unknown) => {
      // Refused: the agent writes nothing. PostgreSQL away past the wait is no bug of ours.
      if (isStoreUnreachable(error))
        this.#options.log.warn(
          { operationId: message.operationId, reason: (error as Error).message },
          'agent gateway: claim refused, store unreachable',
        );
      else this.#options.log.error({ err: error }, 'agent gateway: claim failed');
      send({ type: 'claim_answer', operationId: message.operationId, granted: false });
    });
    session.claims.add(answering);
    void answering.finally(() => session.claims.delete(answering));
  }

  async writing(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'writing' }>,
  ): Promise<void> {
    const { passwordLastSet } = message;
    // Repeatable (the first report wins): a restarting PostgreSQL is waited for.
    if (passwordLastSet)
      await retryWhileUnreachable(
        () =>
          recordPriorStamp(this.#options.db, {
            tenantId: session.tenantId,
            agentId: session.agentId,
            operationId: message.operationId,
            passwordLastSet,
          }),
        Date.now() + STORE_RESTART_WAIT_MS,
      );
  }

  async result(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'result' }>,
  ): Promise<void> {
    const { db, clock, bus } = this.#options;
    session.inFlight.delete(message.operationId);
    // Conditional, so repeatable: a result that lands while PostgreSQL restarts is recorded
    // once it is back, and its caller hears it rather than `outcome_unknown`.
    const recorded = await retryWhileUnreachable(
      () =>
        completeOperation(db, {
          tenantId: session.tenantId,
          agentId: session.agentId,
          operationId: message.operationId,
          outcome: message.outcome,
          now: clock.now(),
        }),
      Date.now() + STORE_RESTART_WAIT_MS,
    );
    if (!recorded) return;
    // The waiting caller first; the agent's counter after.
    await bus.publish({
      type: 'result',
      operationId: message.operationId,
      outcome: message.outcome,
    });
    await countServedOperation(db, session.agentId);
  }

  /**
   * Grants the claim if the operation is pending and unexpired, once any hold has ended, and
   * never to a socket that has closed (its operations are about to go to another agent).
   */
  async #answerClaim(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'claim' }>,
    send: Send,
  ): Promise<void> {
    const { db, clock, holds } = this.#options;
    // Conditional (pending or held, unexpired), so repeatable while PostgreSQL restarts: a
    // claim that did land before its connection dropped makes the retry fail, and then no
    // agent writes and the caller hears `outcome_unknown` at expiry, never a second write.
    const claim = (checkPassed: boolean) =>
      retryWhileUnreachable(
        () =>
          claimOperation(db, {
            tenantId: session.tenantId,
            agentId: session.agentId,
            operationId: message.operationId,
            passwordLastSet: message.passwordLastSet,
            now: clock.now(),
            checkPassed,
          }),
        Date.now() + STORE_RESTART_WAIT_MS,
      );
    let granted = !session.closed && (await claim(false));
    if (!granted && !session.closed) {
      // Held for the cloud's check: ask again once it ends (the claim stays conditional, so a
      // second try succeeds only on a pending, unexpired operation, or a held one whose check
      // this node saw pass).
      const checkPassed = await Promise.race([
        holds.released(message.operationId),
        session.closing.then(() => false),
      ]);
      granted = !session.closed && (await claim(checkPassed));
    }
    send({
      type: 'claim_answer',
      operationId: message.operationId,
      granted,
      ...(granted ? {} : { reason: 'taken, expired or refused by the cloud' }),
    });
  }
}
