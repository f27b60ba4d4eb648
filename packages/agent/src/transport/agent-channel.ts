import {
  agentMessageSchema,
  AGENT_PROTOCOL_VERSION,
  cloudMessageSchema,
  type AgentMessage,
  type AgentStatus,
  type CloudMessage,
} from '@ferry/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { closeSocket } from './close-socket.js';
import { DoctorLink } from './doctor-link.js';
import { SyncLink } from './sync-link.js';
import type { AgentIdentity, AgentKeys, StatePaths } from '../state/agent-state.js';
import { AGENT_VERSION } from '../version.js';
import type { Connection, OperationExecutor } from '../writeback/operation-executor.js';
import { JitteredBackoff } from './backoff.js';
import { gatewayUrl } from './gateway-url.js';
import { KeyRotation } from './key-rotation.js';
import { handleOperation } from './operation-intake.js';

export interface ChannelOptions {
  readonly identity: AgentIdentity;
  readonly keys: AgentKeys;
  /** The state folder, for key rotation. */
  readonly paths: StatePaths;
  readonly executor: OperationExecutor;
  readonly status: () => Promise<AgentStatus>;
  readonly log: Logger;
  readonly caFile?: Buffer | undefined;
  readonly backoff?: JitteredBackoff;
  readonly statusIntervalMs?: number;
  readonly claimTimeoutMs?: number;
}

export type ChannelState = 'connecting' | 'authenticating' | 'online' | 'offline' | 'stopped';

/**
 * The agent's one outbound connection to the cloud: hello, proof of key on the cloud's nonce,
 * status and heartbeats, then signed operations in and outcomes out. It reconnects forever
 * with jittered backoff until stopped.
 */
export class AgentChannel {
  readonly #options: ChannelOptions;
  readonly #backoff: JitteredBackoff;
  readonly #pendingClaims = new Map<string, (granted: boolean) => void>();
  #socket: WebSocket | undefined;
  #state: ChannelState = 'offline';
  /** Counts accepted connections: a claim holds only on the one it was granted on. */
  #connection = 0;
  #timers: NodeJS.Timeout[] = [];
  #reconnect: NodeJS.Timeout | undefined;
  #lastRefusal: { code: string; message: string } | undefined;
  readonly #rotation: KeyRotation;
  #sessionId: string | undefined;
  #recheck: NodeJS.Timeout | undefined;
  /** The sync conversation (lease, batches, previews) on this channel. */
  readonly sync = new SyncLink(
    (message) => this.#send(message),
    () => this.#state === 'online',
  );
  /** The doctor's facts from the cloud, and its reports to it. */
  readonly doctor = new DoctorLink(
    (message) => this.#send(message),
    () => this.#state === 'online',
  );
  #listeners = new Set<(state: ChannelState) => void>();

  constructor(options: ChannelOptions) {
    this.#options = options;
    this.#rotation = new KeyRotation(options, {
      send: (message) => this.#send(message),
      online: () => this.#state === 'online',
    });
    this.#backoff = options.backoff ?? new JitteredBackoff(500, 30_000);
  }

  /** The agent's keys now (a rotation replaces them while the agent runs). */
  get keys(): AgentKeys {
    return this.#rotation.keys;
  }

  get state(): ChannelState {
    return this.#state;
  }
  get lastRefusal(): { code: string; message: string } | undefined {
    return this.#lastRefusal;
  }

  onState(listener: (state: ChannelState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#state === 'stopped') return;
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#setState('stopped');
    clearTimeout(this.#reconnect);
    this.#clearTimers();
    if (this.#socket) await closeSocket(this.#socket, 'agent stopping');
  }

  /** Sends a fresh status report now (e.g. after the directory came back). */
  async reportStatus(): Promise<void> {
    if (this.#state !== 'online') return;
    const status = await this.#options.status();
    this.#send({ type: 'status', status });
    // While the directory cannot be reached, look again soon rather than at the next period.
    clearTimeout(this.#recheck);
    if (!status.directoryReachable) {
      this.#recheck = setTimeout(() => void this.reportStatus().catch(() => undefined), 5_000);
    }
  }

  #connect(): void {
    const { identity, log } = this.#options;
    const url = gatewayUrl(identity.cloudUrl, identity.gatewayPath);
    this.#setState('connecting');
    const socket = new WebSocket(url, {
      handshakeTimeout: 10_000,
      maxPayload: 16 * 1024 * 1024,
      ...(this.#options.caFile ? { ca: this.#options.caFile } : {}),
    });
    this.#socket = socket;
    socket.on('open', () => {
      this.#setState('authenticating');
      this.#send({
        type: 'hello',
        protocolVersion: AGENT_PROTOCOL_VERSION,
        agentId: identity.agentId,
        agentVersion: AGENT_VERSION,
      });
    });
    socket.on('message', (data) => {
      void this.#receive(data.toString()).catch((error: unknown) => {
        log.error({ err: error }, 'agent channel: message handling failed');
      });
    });
    socket.on('error', (error) =>
      log.warn({ reason: error.message }, 'agent channel: connection error'),
    );
    socket.on('close', (code) => {
      this.#clearTimers();
      for (const resolve of this.#pendingClaims.values()) resolve(false);
      this.#pendingClaims.clear();
      this.sync.dropped();
      this.doctor.dropped();
      if (this.#state === 'stopped') return;
      this.#setState('offline');
      const delay = this.#backoff.next();
      log.info({ code, retryInMs: delay }, 'agent channel: disconnected');
      this.#reconnect = setTimeout(() => this.#connect(), delay);
    });
  }

  async #receive(text: string): Promise<void> {
    let message: CloudMessage;
    try {
      message = cloudMessageSchema.parse(JSON.parse(text));
    } catch {
      this.#options.log.warn('agent channel: ignored a malformed message from the cloud');
      return;
    }
    switch (message.type) {
      case 'challenge':
        this.#send({ type: 'proof', jws: await this.#rotation.proof(message.nonce) });
        return;
      case 'accepted':
        await this.#rotation.accepted();
        this.#sessionId = message.sessionId;
        this.#lastRefusal = undefined;
        this.#backoff.reset();
        this.#connection += 1;
        this.#setState('online');
        this.#options.log.info({ sessionId: message.sessionId }, 'agent channel: online');
        await this.reportStatus();
        this.#timers.push(
          setInterval(
            () => this.#send({ type: 'heartbeat', sentAt: new Date().toISOString() }),
            message.heartbeatSeconds * 1000,
          ),
          setInterval(
            () => void this.reportStatus().catch(() => undefined),
            this.#options.statusIntervalMs ?? 60_000,
          ),
        );
        return;
      case 'refused':
        // Staged keys the cloud may have taken before a crash: proven at once, no backoff.
        if (await this.#rotation.afterRefusal(message.code)) this.#backoff.reset();
        this.#lastRefusal = { code: message.code, message: message.message };
        this.#options.log.warn(
          { code: message.code, reason: message.message },
          'agent channel: refused by the cloud',
        );
        this.#socket?.close(1000, 'refused');
        return;
      case 'sync_lease':
      case 'sync_ack':
      case 'sync_preview_result':
      case 'sync_request':
        this.sync.receive(message);
        return;
      case 'doctor_facts':
        this.doctor.receive(message.facts);
        return;
      case 'rotate_keys_request':
        if (this.#sessionId) await this.#rotation.rotate(this.#sessionId);
        return;
      case 'cloud_key': // before any await: an operation after it waits for the new pin
        return this.#rotation.followCloudKey(message.endorsements);
      case 'keys_rotated':
        this.#rotation.answered(message.accepted);
        return;
      case 'claim_answer':
        this.#pendingClaims.get(message.operationId)?.(message.granted);
        this.#pendingClaims.delete(message.operationId);
        return;
      case 'operation':
        await this.#rotation.repinned();
        await handleOperation(message.jws, this.#rotation.keys, this.#options, (result) =>
          this.#send(result),
        );
        return;
    }
  }

  /** The executor asks for the right to write: the connection granted on, else undefined. */
  claim(operationId: string): Promise<Connection | undefined> {
    if (this.#state !== 'online') return Promise.resolve(undefined);
    const connection = this.#connection;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pendingClaims.delete(operationId);
        resolve(undefined);
      }, this.#options.claimTimeoutMs ?? 10_000);
      this.#pendingClaims.set(operationId, (granted) => {
        clearTimeout(timer);
        resolve(granted ? connection : undefined);
      });
      this.#send({ type: 'claim', operationId });
    });
  }

  /**
   * Used by the executor before a write: the user's pwdLastSet as it was (none when AD has
   * none). The connection it went out on; undefined when there is none.
   */
  announceWrite(operationId: string, passwordLastSet: string | undefined): Connection | undefined {
    if (this.#state !== 'online') return undefined;
    const sent = this.#send({
      type: 'writing',
      operationId,
      ...(passwordLastSet ? { passwordLastSet } : {}),
    });
    return sent ? this.#connection : undefined;
  }

  /** Whether `connection` is still the open, accepted one. */
  isConnected(connection: Connection): boolean {
    return (
      this.#state === 'online' &&
      connection === this.#connection &&
      this.#socket?.readyState === WebSocket.OPEN
    );
  }

  /** False when the socket is not open (the message is dropped). */
  #send(message: AgentMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    // What the agent read (status, sync batches, outcomes) is checked against the schema
    // first (the cloud closes on an invalid one); a claim and a stamp are on the user's wait.
    const checked = OPERATION_MESSAGES.has(message.type)
      ? message
      : agentMessageSchema.parse(message);
    socket.send(JSON.stringify(checked));
    return true;
  }

  #setState(state: ChannelState): void {
    if (this.#state === 'stopped' && state !== 'stopped') return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }

  #clearTimers(): void {
    clearTimeout(this.#recheck);
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }
}

const OPERATION_MESSAGES: ReadonlySet<AgentMessage['type']> = new Set(['claim', 'writing']);
