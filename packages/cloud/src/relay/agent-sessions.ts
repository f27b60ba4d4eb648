import type { CloudMessage } from '@ferry/protocol';

/** One authenticated agent socket held by this node. */
export interface AgentSession {
  readonly agentId: string;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly inFlight: Set<string>;
  /** Claims being answered (one may wait on the cloud's check); settled before a disconnect. */
  readonly claims: Set<Promise<void>>;
  /** Set as the socket closes: no claim is granted to it from then on. */
  closed: boolean;
  /** Settles as the socket closes (a claim waiting on a check stops waiting). */
  readonly closing: Promise<void>;
  send(message: CloudMessage): void;
  close(code: number, reason: string): void;
}

/** The agents connected to this node, by agent id (a reconnect replaces the old socket). */
export class AgentSessions {
  readonly #sessions = new Map<string, AgentSession>();

  add(session: AgentSession): AgentSession | undefined {
    const previous = this.#sessions.get(session.agentId);
    this.#sessions.set(session.agentId, session);
    return previous;
  }

  remove(session: AgentSession): boolean {
    if (this.#sessions.get(session.agentId) !== session) return false;
    this.#sessions.delete(session.agentId);
    return true;
  }

  get(agentId: string): AgentSession | undefined {
    return this.#sessions.get(agentId);
  }

  all(): AgentSession[] {
    return [...this.#sessions.values()];
  }
}
