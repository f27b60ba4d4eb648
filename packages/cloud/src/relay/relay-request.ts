import type { OperationKind, OperationSecrets, Outcome, UserReference } from '@ferry/protocol';
import type { OnlineAgent } from './agent-store.js';

/** What a caller hands the relay: one password operation for one user. */
export interface RelayRequest {
  readonly tenantId: string;
  readonly kind: OperationKind;
  readonly target: UserReference;
  readonly options?: { readonly unlock?: boolean; readonly mustChangeAtNextLogon?: boolean };
  readonly secrets: OperationSecrets;
  readonly requestedBy?: string | null | undefined;
  /**
   * The rules the cloud checks itself. They start once the operation is dispatched and run
   * (on a worker thread) while the agent verifies, decrypts and looks the user up; until they
   * pass no agent may claim (and write) it, and a refusal cancels it. With no agent able to
   * take it, they run first, so the password's own faults are said before "no agent".
   */
  readonly precheck?: (online: readonly OnlineAgent[]) => Promise<Outcome | undefined>;
  /** A shorter wait than the relay's default (reads a user waits for while typing). */
  readonly timeoutMs?: number;
}

/** The agent's outcome, or the relay's own (expired, no agent, refused by the cloud's check). */
export interface RelayResult {
  readonly operationId: string;
  readonly agentId: string | undefined;
  readonly outcome: Outcome;
}
