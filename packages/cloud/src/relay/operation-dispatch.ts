import {
  encryptSecrets,
  importKey,
  ENCRYPTION_ALG,
  signOperation,
  type OperationRequest,
  type OperationSecrets,
} from '@ferry/protocol';
import type { CryptoKey } from 'jose';
import type { AgentSessions } from './agent-sessions.js';
import type { OnlineAgent } from './agent-store.js';
import type { RelayBus } from './relay-bus.js';

export interface DispatchOptions {
  readonly bus: RelayBus;
  readonly sessions: AgentSessions;
  readonly nodeId: string;
  /** The cloud's operation-signing key now (a rotation replaces it). */
  readonly signingKey: () => CryptoKey;
}

/**
 * Seals an operation for the agent chosen (its secrets encrypted to that agent's key, the
 * whole signed by the cloud) and sends it to the node holding the agent's socket: this one,
 * or another over the bus.
 */
export class OperationDispatch {
  readonly #options: DispatchOptions;
  /** Imported agent encryption keys by JWK text (importing RSA keys costs per operation). */
  readonly #agentKeys = new Map<string, CryptoKey>();
  readonly #unsubscribe: () => void;

  constructor(options: DispatchOptions) {
    this.#options = options;
    this.#unsubscribe = options.bus.subscribe((message) => {
      if (message.type === 'dispatch' && message.nodeId === options.nodeId)
        this.deliver(message.agentId, message.operationId, message.jws);
    });
  }

  close(): void {
    this.#unsubscribe();
  }

  /** The signed operation (JWS), its secrets inside as a JWE to the agent's key. */
  async seal(
    operation: OperationRequest,
    agent: OnlineAgent,
    secrets: OperationSecrets,
  ): Promise<string> {
    const needsSecrets = secrets.newPassword || secrets.currentPassword;
    if (needsSecrets) {
      const key = await this.#encryptionKey(agent);
      operation.secrets = await encryptSecrets(key, operation, secrets);
    }
    return signOperation(this.#options.signingKey(), operation);
  }

  async #encryptionKey(agent: OnlineAgent): Promise<CryptoKey> {
    const id = JSON.stringify(agent.encryptionKey);
    let key = this.#agentKeys.get(id);
    if (!key) {
      key = await importKey(agent.encryptionKey, ENCRYPTION_ALG);
      this.#agentKeys.set(id, key);
    }
    return key;
  }

  async dispatch(agent: OnlineAgent, operationId: string, jws: string): Promise<void> {
    if (agent.nodeId === this.#options.nodeId) {
      this.deliver(agent.id, operationId, jws);
      return;
    }
    await this.#options.bus.publish({
      type: 'dispatch',
      nodeId: agent.nodeId,
      agentId: agent.id,
      operationId,
      jws,
    });
  }

  /** Sends an operation to an agent whose socket this node holds, or reports it lost. */
  deliver(agentId: string, operationId: string, jws: string): void {
    const session = this.#options.sessions.get(agentId);
    if (!session) {
      void this.#options.bus.publish({ type: 'agent_lost', agentId, operationIds: [operationId] });
      return;
    }
    session.inFlight.add(operationId);
    session.send({ type: 'operation', jws });
  }
}
