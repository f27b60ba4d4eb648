import type { AgentMessage, CloudMessage } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
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
      this.#options.log.error({ err: error }, 'agent gateway: claim failed');
      send({ type: 'claim_answer', operationId: message.operationId, granted: false });
    });
    session.claims.add(answering);
    void answering.finally(() => session.claims.delete(answering));
  }

  async writing(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'writing' }>,
  ): Promise<void> {
    if (message.passwordLastSet)
      await recordPriorStamp(this.#options.db, {
        tenantId: session.tenantId,
        agentId: session.agentId,
        operationId: message.operationId,
        passwordLastSet: message.passwordLastSet,
      });
  }

  async result(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'result' }>,
  ): Promise<void> {
    const { db, clock, bus } = this.#options;
    session.inFlight.delete(message.operationId);
    const recorded = await completeOperation(db, {
      tenantId: session.tenantId,
      agentId: session.agentId,
      operationId: message.operationId,
      outcome: message.outcome,
      now: clock.now(),
    });
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
    const claim = (checkPassed: boolean) =>
      claimOperation(db, {
        tenantId: session.tenantId,
        agentId: session.agentId,
        operationId: message.operationId,
        passwordLastSet: message.passwordLastSet,
        now: clock.now(),
        checkPassed,
      });
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
