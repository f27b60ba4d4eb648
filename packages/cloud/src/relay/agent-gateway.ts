import type { AuditLog } from '../audit/audit-log.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  agentMessageSchema,
  errorEntry,
  type AgentMessage,
  type CloudMessage,
  type ErrorCode,
} from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock, Random } from '../util/clock.js';
import { markAgentOffline, recordAgentStatus, recordHeartbeat } from './agent-store.js';
import { handshakeStep, type Phase } from './agent-handshake.js';
import {
  GatewayAdmission,
  PROVEN_MAX_PAYLOAD,
  raisePayloadCap,
  UNPROVEN_MAX_PAYLOAD,
  type AdmissionLimits,
} from './gateway-admission.js';
import { rotateKeys } from './agent-key-rotation.js';
import { doctorFacts, recordDoctorReport } from './agent-doctor.js';
import { OperationClaims } from './operation-claims.js';
import { SyncGateway } from '../sync/sync-gateway.js';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';
import type { AgentSession, AgentSessions } from './agent-sessions.js';
import type { CloudKeyRing } from './cloud-key-ring.js';
import type { OperationRelay } from './operation-relay.js';
import type { RelayBus } from './relay-bus.js';
import type { Database } from '../store/tables.js';
import { isStoreUnreachable, retryWhileUnreachable } from '../store/store-unreachable.js';

/** How long an agent's status report waits for a restarting PostgreSQL. */
const STATUS_RETRY_MS = 15_000;

export const GATEWAY_PATH = '/agent/v1/connect';

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
  /** The cloud's signing key and its chain (sent to agents after a rotation). */
  readonly cloudKeys: CloudKeyRing;
  /** From the socket opening to a valid proof. */
  readonly handshakeMs: number;
  /** Sockets not proven yet, per address and in all. */
  readonly pending: AdmissionLimits;
  readonly audit: AuditLog;
  /** Sync batches and runs (`ferry_cloud_sync_*`). */
  readonly metrics?: Pick<CloudMetrics, 'syncBatch' | 'syncRun'>;
}

/**
 * The cloud end of the agents' WebSockets. An agent says hello, signs the nonce it is given
 * with its registered key, and only then may report status, claim operations and send
 * results (`agent-handshake.ts`). Anything out of order or malformed closes the socket. Until
 * the proof a socket is read with a small message cap, counts against the per-address and
 * total limits of unproven sockets (`gateway-admission.ts`) and has a deadline. The
 * gateway routes each message: claims and results to `operation-claims.ts`, key rotation to
 * `agent-key-rotation.ts`, sync to `sync/sync-gateway.ts`, the doctor to `agent-doctor.ts`.
 */
export class AgentGateway {
  readonly #options: GatewayOptions;
  readonly #server = new WebSocketServer({ noServer: true, maxPayload: UNPROVEN_MAX_PAYLOAD });
  readonly #admission: GatewayAdmission;
  readonly #unsubscribe: () => void;
  readonly #claims: OperationClaims;
  readonly #sync: SyncGateway;
  /** Marks a session closed, the moment its socket closes. */
  readonly #closedSessions = new WeakMap<AgentSession, () => void>();

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#claims = new OperationClaims({ ...options, holds: options.relay.holds });
    this.#sync = new SyncGateway(options);
    this.#admission = new GatewayAdmission(options.pending);
    this.#unsubscribe = options.bus.subscribe((message) => {
      if (message.type === 'disconnect_agent') {
        this.#options.sessions.get(message.agentId)?.close(4003, message.reason);
      } else if (message.type === 'sync_now') {
        this.#options.sessions.get(message.agentId)?.send({ type: 'sync_request' });
      } else if (message.type === 'cloud_key_rotated') {
        void this.#cloudKeyRotated();
      } else if (message.type === 'rotate_agent_keys') {
        this.#options.sessions.get(message.agentId)?.send({ type: 'rotate_keys_request' });
      }
    });
  }

  /** Handles an HTTP upgrade; false when the path is not the gateway's. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== GATEWAY_PATH) return false;
    const address = request.socket.remoteAddress ?? 'unknown';
    const release = this.#admission.admit(address);
    if (!release) {
      const perAddress = this.#admission.pending < this.#options.pending.total;
      this.#options.log.warn(
        { address, pending: this.#admission.pending },
        'agent gateway: too many sockets without a proof; refused',
      );
      socket.end(
        `HTTP/1.1 ${perAddress ? '429 Too Many Requests' : '503 Service Unavailable'}\r\n` +
          'Retry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      );
      return true;
    }
    // Also when the upgrade itself fails and no WebSocket is made.
    socket.once('close', release);
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, release));
    return true;
  }

  /** Switches to the rotated key and, in the same step, tells every agent here. */
  async #cloudKeyRotated(): Promise<void> {
    const { cloudKeys, sessions, log } = this.#options;
    await cloudKeys
      .reload((endorsements) => {
        for (const session of sessions.all()) session.send({ type: 'cloud_key', endorsements });
      })
      .then(() => log.info('agent gateway: cloud signing key rotated'))
      .catch((error: unknown) => log.error({ err: error }, 'agent gateway: cloud key reload'));
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    for (const session of this.#options.sessions.all()) session.close(1001, 'cloud node stopping');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: WebSocket, release: () => void): void {
    let phase: Phase = { name: 'hello' };
    const deadline = setTimeout(
      () => refuse('message_invalid', 'no proof of identity in time'),
      this.#options.handshakeMs,
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
    const online = (agentId: string, tenantId: string): AgentSession => {
      release();
      raisePayloadCap(socket, PROVEN_MAX_PAYLOAD);
      return this.#online(agentId, tenantId, socket, send);
    };
    const drop = (session: AgentSession): void => {
      this.#options.sessions.remove(session);
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
          if (phase.name !== 'online') {
            phase = await handshakeStep(this.#options, phase, message, {
              send,
              refuse,
              deadline,
              online,
              drop,
            });
          } else {
            await this.#onlineMessage(phase.session, message, send);
          }
        })
        .catch((error: unknown) => {
          this.#options.log.error({ err: error }, 'agent gateway: message handling failed');
          socket.close(1011, 'internal error');
        });
    });
    // A frame over the cap, bad framing: ws closes the socket and reports it here.
    socket.on('error', (error) =>
      this.#options.log.warn({ reason: error.message }, 'agent gateway: socket error'),
    );
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
    switch (message.type) {
      case 'status':
        // Not a reason to drop the agent (its operations in flight would be lost with it):
        // a restarting PostgreSQL is waited for.
        await retryWhileUnreachable(
          () => recordAgentStatus(db, session.agentId, message.status, clock.now()),
          Date.now() + STATUS_RETRY_MS,
        );
        return;
      case 'heartbeat':
        try {
          await recordHeartbeat(db, session.agentId, clock.now());
        } catch (error) {
          // PostgreSQL restarting: the next heartbeat records it; the socket stays up.
          if (!isStoreUnreachable(error)) throw error;
          this.#options.log.warn(
            { agentId: session.agentId, reason: (error as Error).message },
            'agent gateway: heartbeat not recorded (store unreachable)',
          );
        }
        return;
      case 'claim':
        // Not awaited: a claim on a held operation waits for the cloud's own check, and the
        // agent's other messages must not wait behind it.
        this.#claims.claim(session, message, send);
        return;
      case 'writing':
        // Awaited: the result that follows must find the stamp recorded.
        await this.#claims.writing(session, message);
        return;
      case 'result':
        await this.#claims.result(session, message);
        return;
      case 'rotate_keys':
        send(await rotateKeys(this.#options, session, message));
        return;
      case 'doctor_facts_request':
        send({ type: 'doctor_facts', facts: await doctorFacts(db, clock, session) });
        return;
      case 'doctor_report':
        await recordDoctorReport(db, session.agentId, message.report, clock.now());
        return;
      case 'sync_lease_request':
      case 'sync_preview':
      case 'sync_batch':
        await this.#sync.handle(session, message, send);
        return;
      default:
        session.close(4001, 'message_invalid');
    }
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
