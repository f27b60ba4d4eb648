import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  agentMessageSchema,
  AGENT_PROTOCOL_VERSION,
  errorEntry,
  importKey,
  isSupportedProtocol,
  SIGNING_ALG,
  SUPPORTED_AGENT_PROTOCOL,
  verifyProof,
  type AgentMessage,
  type CloudMessage,
  type ErrorCode,
} from '@ferry/protocol';
import type { JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock, Random } from '../util/clock.js';
import {
  countServedOperation,
  findAgent,
  keyRotationPending,
  markAgentOffline,
  markAgentOnline,
  recordAgentStatus,
  recordAgentVersion,
  recordHeartbeat,
  replaceAgentKeys,
} from './agent-store.js';
import { claimOperation, completeOperation, recordPriorStamp } from './operation-store.js';
import { encryptionJwkSchema, publicOnly, signingJwkSchema } from './enrollment.js';
import { applyBatch } from '../sync/apply-batch.js';
import { countSyncedUsers, takeSyncLease } from '../sync/sync-state.js';
import { SyncPreviews } from '../sync/sync-previews.js';
import type { AgentSession, AgentSessions } from './agent-sessions.js';
import type { OperationRelay } from './operation-relay.js';
import type { RelayBus } from './relay-bus.js';
import type { Database } from '../store/tables.js';

export const GATEWAY_PATH = '/agent/v1/connect';
const HANDSHAKE_MS = 10_000;

export interface GatewayOptions {
  readonly db: Kysely<Database>;
  readonly bus: RelayBus;
  readonly sessions: AgentSessions;
  readonly relay: OperationRelay;
  readonly nodeId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly heartbeatSeconds: number;
}

type Phase =
  | { readonly name: 'hello' }
  | {
      readonly name: 'proof';
      readonly agentId: string;
      readonly tenantId: string;
      readonly nonce: string;
      readonly key: JWK;
    }
  | { readonly name: 'online'; readonly session: AgentSession };

/**
 * The cloud end of the agents' WebSockets. An agent says hello, signs the nonce it is given
 * with its registered key, and only then may report status, claim operations and send
 * results. Anything out of order or malformed closes the socket.
 */
export class AgentGateway {
  readonly #options: GatewayOptions;
  readonly #server = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  readonly #unsubscribe: () => void;
  readonly #previews: SyncPreviews;
  /** Marks a session closed, the moment its socket closes. */
  readonly #closedSessions = new WeakMap<AgentSession, () => void>();

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#previews = new SyncPreviews(options.db, options.clock);
    this.#server.on('connection', (socket: WebSocket) => this.#accept(socket));
    this.#unsubscribe = options.bus.subscribe((message) => {
      if (message.type === 'disconnect_agent') {
        this.#options.sessions.get(message.agentId)?.close(4003, message.reason);
      } else if (message.type === 'sync_now') {
        this.#options.sessions.get(message.agentId)?.send({ type: 'sync_request' });
      } else if (message.type === 'rotate_agent_keys') {
        this.#options.sessions.get(message.agentId)?.send({ type: 'rotate_keys_request' });
      }
    });
  }

  /** Handles an HTTP upgrade; false when the path is not the gateway's. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== GATEWAY_PATH) return false;
    this.#server.handleUpgrade(request, socket, head, (ws) =>
      this.#server.emit('connection', ws, request),
    );
    return true;
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    for (const session of this.#options.sessions.all()) session.close(1001, 'cloud node stopping');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    let phase: Phase = { name: 'hello' };
    const deadline = setTimeout(
      () => refuse('message_invalid', 'no proof of identity in time'),
      HANDSHAKE_MS,
    );
    const send = (message: CloudMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const refuse = (code: ErrorCode, detail: string): void => {
      clearTimeout(deadline);
      this.#options.log.warn({ code, detail }, 'agent gateway: refused');
      send({ type: 'refused', code, message: `${errorEntry(code).message} (${detail})` });
      socket.close(4001, code);
    };
    let queue = Promise.resolve();
    socket.on('message', (data) => {
      // One message at a time, in order: a claim must not overtake the proof.
      queue = queue
        .then(async () => {
          let message: AgentMessage;
          try {
            message = agentMessageSchema.parse(JSON.parse(data.toString()));
          } catch {
            refuse('message_invalid', 'malformed message');
            return;
          }
          phase = await this.#step(phase, message, { send, refuse, socket, deadline });
        })
        .catch((error: unknown) => {
          this.#options.log.error({ err: error }, 'agent gateway: message handling failed');
          socket.close(1011, 'internal error');
        });
    });
    socket.on('close', () => {
      clearTimeout(deadline);
      if (phase.name === 'online') this.#closedSessions.get(phase.session)?.();
      // After the messages already received: a stamp the agent sent before its write must be
      // recorded before the operation can go to another agent.
      queue = queue
        .then(async () => {
          if (phase.name === 'online') await this.#disconnected(phase.session);
        })
        .catch((error: unknown) => {
          this.#options.log.error({ err: error }, 'agent gateway: disconnect handling failed');
        });
    });
  }

  async #step(
    phase: Phase,
    message: AgentMessage,
    io: {
      send: (m: CloudMessage) => void;
      refuse: (c: ErrorCode, d: string) => void;
      socket: WebSocket;
      deadline: NodeJS.Timeout;
    },
  ): Promise<Phase> {
    const { db, clock, random } = this.#options;
    // A refusal closes the socket; the phase stays as it was.
    const deny = (code: ErrorCode, detail: string): Phase => {
      io.refuse(code, detail);
      return phase;
    };
    if (phase.name === 'hello') {
      if (message.type !== 'hello') return deny('message_invalid', 'expected hello');
      if (!isSupportedProtocol(message.protocolVersion)) {
        io.refuse(
          'protocol_incompatible',
          `agent speaks ${message.protocolVersion}, cloud supports ${SUPPORTED_AGENT_PROTOCOL.min}..${SUPPORTED_AGENT_PROTOCOL.max}`,
        );
        return phase;
      }
      const agent = await findAgent(db, message.agentId);
      if (!agent) return deny('agent_unknown', `agent ${message.agentId}`);
      if (agent.status !== 'active') return deny('agent_disabled', `agent ${agent.id}`);
      const nonce = random.bytes(32).toString('base64url');
      io.send({ type: 'challenge', nonce, protocolVersion: AGENT_PROTOCOL_VERSION });
      await recordAgentVersion(db, agent.id, message.agentVersion);
      return {
        name: 'proof',
        agentId: agent.id,
        tenantId: agent.tenant_id,
        nonce,
        key: JSON.parse(agent.signing_key_json) as JWK,
      };
    }
    if (phase.name === 'proof') {
      if (message.type !== 'proof') return deny('message_invalid', 'expected proof');
      const proven = await verifyProof(await importKey(phase.key, SIGNING_ALG), message.jws, {
        nonce: phase.nonce,
        agentId: phase.agentId,
      });
      if (!proven) return deny('proof_invalid', `agent ${phase.agentId}`);
      clearTimeout(io.deadline);
      const session = this.#online(phase.agentId, phase.tenantId, io.socket, io.send);
      await markAgentOnline(db, phase.agentId, this.#options.nodeId, clock.now());
      io.send({
        type: 'accepted',
        sessionId: session.sessionId,
        heartbeatSeconds: this.#options.heartbeatSeconds,
      });
      if (await keyRotationPending(db, phase.agentId)) io.send({ type: 'rotate_keys_request' });
      this.#options.log.info({ agentId: phase.agentId }, 'agent gateway: agent online');
      return { name: 'online', session };
    }
    await this.#onlineMessage(phase.session, message, io.send);
    return phase;
  }

  #online(
    agentId: string,
    tenantId: string,
    socket: WebSocket,
    send: (m: CloudMessage) => void,
  ): AgentSession {
    let settle = (): void => undefined;
    const session: AgentSession = {
      agentId,
      tenantId,
      sessionId: this.#options.random.uuid(),
      inFlight: new Set(),
      claims: new Set(),
      closed: false,
      closing: new Promise<void>((resolve) => (settle = resolve)),
      send,
      close: (code, reason) => socket.close(code, reason),
    };
    this.#closedSessions.set(session, () => {
      session.closed = true;
      settle();
    });
    this.#options.sessions.add(session)?.close(4000, 'replaced by a newer connection');
    return session;
  }

  async #onlineMessage(
    session: AgentSession,
    message: AgentMessage,
    send: (m: CloudMessage) => void,
  ): Promise<void> {
    const { db, clock } = this.#options;
    const now = clock.now();
    switch (message.type) {
      case 'status':
        await recordAgentStatus(db, session.agentId, message.status, now);
        return;
      case 'heartbeat':
        await recordHeartbeat(db, session.agentId, now);
        return;
      case 'claim':
        // Not awaited: a claim on a held operation waits for the cloud's own check, and the
        // agent's other messages must not wait behind it.
        {
          const answering = this.#answerClaim(session, message, send).catch((error: unknown) => {
            this.#options.log.error({ err: error }, 'agent gateway: claim failed');
            send({ type: 'claim_answer', operationId: message.operationId, granted: false });
          });
          session.claims.add(answering);
          void answering.finally(() => session.claims.delete(answering));
        }
        return;
      case 'writing':
        // Awaited: the result that follows must find the stamp recorded.
        if (message.passwordLastSet)
          await recordPriorStamp(db, {
            tenantId: session.tenantId,
            agentId: session.agentId,
            operationId: message.operationId,
            passwordLastSet: message.passwordLastSet,
          });
        return;
      case 'result': {
        session.inFlight.delete(message.operationId);
        const recorded = await completeOperation(db, {
          tenantId: session.tenantId,
          agentId: session.agentId,
          operationId: message.operationId,
          outcome: message.outcome,
          now,
        });
        if (!recorded) return;
        // The waiting caller first; the agent's counter after.
        await this.#options.bus.publish({
          type: 'result',
          operationId: message.operationId,
          outcome: message.outcome,
        });
        await countServedOperation(db, session.agentId);
        return;
      }
      case 'rotate_keys':
        send(await this.#rotateKeys(session, message));
        return;
      case 'sync_lease_request': {
        const lease = await takeSyncLease(
          db,
          session.tenantId,
          session.agentId,
          clock,
          this.#options.heartbeatSeconds * 3000,
        );
        send({
          type: 'sync_lease',
          granted: lease.granted,
          cursor: lease.cursor,
          ...(lease.granted ? { syncedUsers: await countSyncedUsers(db, session.tenantId) } : {}),
        });
        return;
      }
      case 'sync_preview': {
        const { batch } = message;
        const changes = await this.#previews.compare(session.tenantId, session.agentId, batch);
        send({
          type: 'sync_preview_result',
          runId: batch.runId,
          sequence: batch.sequence,
          changes,
        });
        return;
      }
      case 'sync_batch': {
        const { batch } = message;
        const verdict = await applyBatch(
          db,
          session.tenantId,
          session.agentId,
          batch,
          clock,
          this.#options.random,
        );
        send({
          type: 'sync_ack',
          runId: batch.runId,
          sequence: batch.sequence,
          applied: verdict.applied,
          cursor: verdict.cursor,
          ...(verdict.applied ? {} : { code: verdict.code }),
          ...('pending' in verdict ? { pending: verdict.pending } : {}),
        });
        return;
      }
      default:
        session.close(4001, 'message_invalid');
    }
  }

  /**
   * Grants the claim if the operation is pending and unexpired, once any hold has ended, and
   * never to a socket that has closed (its operations are about to go to another agent).
   */
  async #answerClaim(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'claim' }>,
    send: (m: CloudMessage) => void,
  ): Promise<void> {
    const { db, clock, relay } = this.#options;
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
        relay.holds.released(message.operationId),
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

  /**
   * Replaces the agent's public keys once it proves it holds the new signing key. The
   * session stays up; operations already encrypted to the old key still open, because the
   * agent keeps its previous decryption key.
   */
  async #rotateKeys(
    session: AgentSession,
    message: Extract<AgentMessage, { type: 'rotate_keys' }>,
  ): Promise<CloudMessage> {
    const encryption = encryptionJwkSchema.safeParse(message.encryptionKey);
    const signing = signingJwkSchema.safeParse(message.signingKey);
    if (!encryption.success || !signing.success) {
      return {
        type: 'keys_rotated',
        accepted: false,
        reason: 'keys are not public RSA-2048+/Ed25519 keys',
      };
    }
    const newSigningKey = await importKey(signing.data as JWK, SIGNING_ALG);
    const proven = await verifyProof(newSigningKey, message.proof, {
      nonce: session.sessionId,
      agentId: session.agentId,
    });
    if (!proven)
      return { type: 'keys_rotated', accepted: false, reason: 'no proof of the new signing key' };
    await replaceAgentKeys(this.#options.db, session.agentId, {
      encryptionKey: publicOnly(encryption.data, ['kty', 'n', 'e']),
      signingKey: publicOnly(signing.data, ['kty', 'crv', 'x']),
      now: this.#options.clock.now(),
    });
    this.#options.log.info({ agentId: session.agentId }, 'agent gateway: agent keys rotated');
    return { type: 'keys_rotated', accepted: true };
  }

  /**
   * After a socket closed and its earlier messages were handled: the agent is offline (unless
   * a newer connection of it replaced this one), and its operations in flight go back to the
   * relay either way. The agent writes only on the connection its claim was granted on, so
   * an operation of this socket is never finished on the next one.
   */
  async #disconnected(session: AgentSession): Promise<void> {
    // No claim is granted to the socket from its close on (claims waiting on a check stop
    // waiting); one already on its way lands before the operations go back (agent_lost).
    await Promise.allSettled([...session.claims]);
    const { db, bus, log } = this.#options;
    if (this.#options.sessions.remove(session)) {
      await markAgentOffline(db, session.agentId, this.#options.nodeId);
      log.info(
        { agentId: session.agentId, inFlight: session.inFlight.size },
        'agent gateway: agent offline',
      );
    }
    if (session.inFlight.size > 0) {
      await bus.publish({
        type: 'agent_lost',
        agentId: session.agentId,
        operationIds: [...session.inFlight],
      });
    }
  }
}
