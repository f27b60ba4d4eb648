import { EventEmitter } from 'node:events';
import { outcomeSchema } from '@ferry/protocol';
import { z } from 'zod';

/**
 * Messages between cloud nodes about agent work. With one node (SQLite) they stay in the
 * process; with several (PostgreSQL) they travel as NOTIFY payloads, so an operation
 * submitted on node B reaches the agent whose socket node A holds, and A's result reaches B.
 */
export const busMessageSchema = z.discriminatedUnion('type', [
  /** Node `nodeId`: send this signed operation to your agent. */
  z.object({
    type: z.literal('dispatch'),
    nodeId: z.string(),
    agentId: z.string(),
    operationId: z.string(),
    jws: z.string(),
  }),
  /** Whoever waits for this operation: here is its outcome. */
  z.object({ type: z.literal('result'), operationId: z.string(), outcome: outcomeSchema }),
  /** An admin disabled or removed the agent: whichever node holds its socket closes it. */
  z.object({ type: z.literal('disconnect_agent'), agentId: z.string(), reason: z.string() }),
  /** An admin asked the tenant's sync leader to run now. */
  z.object({ type: z.literal('sync_now'), agentId: z.string() }),
  /** An admin rotated the OpenID Connect signing keys: every node reloads them now. */
  z.object({ type: z.literal('oidc_keys_changed') }),
  /** An admin rotated the cloud's operation-signing key: every node reloads it, tells agents. */
  z.object({ type: z.literal('cloud_key_rotated') }),
  /** An admin asked this agent to rotate its keys. */
  z.object({ type: z.literal('rotate_agent_keys'), agentId: z.string() }),
  /** The cloud's own check of a held operation ended (its row says how): claims on other
   *  nodes waiting on it ask again. */
  z.object({ type: z.literal('hold_ended'), operationId: z.string() }),
  /** An agent's socket closed with these operations in flight. */
  z.object({
    type: z.literal('agent_lost'),
    agentId: z.string(),
    operationIds: z.array(z.string()),
  }),
]);
export type BusMessage = z.infer<typeof busMessageSchema>;

export interface RelayBus {
  publish(message: BusMessage): Promise<void>;
  subscribe(handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
  readonly multiNode: boolean;
}

/** The single-node bus: an in-process event emitter. */
export class LocalBus implements RelayBus {
  readonly multiNode = false;
  readonly #emitter = new EventEmitter();

  async publish(message: BusMessage): Promise<void> {
    queueMicrotask(() => this.#emitter.emit('message', message));
  }

  subscribe(handler: (message: BusMessage) => void): () => void {
    this.#emitter.on('message', handler);
    return () => this.#emitter.off('message', handler);
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners();
  }
}
