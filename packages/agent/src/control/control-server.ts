import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { AgentChannel } from '../transport/agent-channel.js';
import { SyncCommandError } from '../sync/sync-command-error.js';
import type { SyncCoordinator } from '../sync/sync-coordinator.js';
import type { RunProgress } from '../sync/sync-progress.js';
import type { SyncRunResult } from '../sync/sync-run.js';
import {
  controlRequestSchema,
  MAX_REQUEST_BYTES,
  type ControlCommand,
  type ControlEvent,
} from './control-protocol.js';

/** Progress lines go out at most this often, so a fast run does not flood the CLI. */
const PROGRESS_EVERY_MS = 200;

export interface ControlServerOptions {
  readonly socketPath: string;
  readonly agentId: string;
  readonly channel: AgentChannel;
  /** Undefined when this agent does not sync (FERRY_AGENT_SYNC=false). */
  readonly sync: SyncCoordinator | undefined;
  readonly log: Logger;
}

/**
 * The running agent's local control socket, for `ferry-agent sync status|now|preview`. It is
 * a Unix socket in the agent's state folder with mode 0600: only the account that runs the
 * agent can use it, and nothing listens on the network.
 */
export class ControlServer {
  readonly #options: ControlServerOptions;
  readonly #server: Server;

  constructor(options: ControlServerOptions) {
    this.#options = options;
    this.#server = createServer((socket) => this.#serve(socket));
  }

  async start(): Promise<void> {
    // A socket file left by an agent that crashed would make listen fail.
    rmSync(this.#options.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.socketPath, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    chmodSync(this.#options.socketPath, 0o600);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#options.socketPath, { force: true });
  }

  #serve(socket: Socket): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    const onData = (chunk: string): void => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0 && buffer.length <= MAX_REQUEST_BYTES) return;
      socket.off('data', onData);
      const line = end < 0 ? buffer : buffer.slice(0, end);
      void this.#answer(socket, line).finally(() => socket.end());
    };
    socket.on('data', onData);
  }

  async #answer(socket: Socket, line: string): Promise<void> {
    const send = (event: ControlEvent): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(event)}\n`);
    };
    const request = parseRequest(line);
    if (!request.success) {
      send({ type: 'error', code: 'request_invalid', message: request.message });
      return;
    }
    try {
      await this.#run(request.data, send, socket);
    } catch (error) {
      if (error instanceof SyncCommandError) {
        send({ type: 'error', code: error.code, message: error.message });
      } else {
        this.#options.log.warn({ reason: (error as Error).message }, 'control: command failed');
        send({ type: 'error', code: 'internal', message: (error as Error).message });
      }
    }
  }

  async #run(
    request: ControlCommand,
    send: (event: ControlEvent) => void,
    socket: Socket,
  ): Promise<void> {
    const { sync, channel, agentId } = this.#options;
    if (request.command === 'status') {
      send({
        type: 'status',
        agentId,
        channel: channel.state,
        sync: sync
          ? stripUndefined(sync.status())
          : { enabled: false, leading: false, cursor: null, waitingForDeleteConfirmation: false },
      });
      return;
    }
    if (request.command === 'doctor_facts') {
      const askedAt = Date.now();
      const facts = await channel.doctor.requestFacts();
      if (!facts) {
        throw new SyncCommandError('cloud_unreachable', `the agent's channel is ${channel.state}`);
      }
      send({ type: 'doctor_facts', facts, askedAt, answeredAt: Date.now() });
      return;
    }
    if (!sync)
      throw new SyncCommandError(
        'sync_disabled',
        'this agent does not sync (FERRY_AGENT_SYNC=false)',
      );
    const tracker = request.command === 'preview' ? sync.previewProgress : sync.progress;
    const stopProgress = streamProgress(tracker.onProgress.bind(tracker), send);
    socket.once('close', stopProgress);
    try {
      if (request.command === 'sync') {
        send({ type: 'result', run: runOf(await sync.runNow(request.full)) });
      } else {
        const { result, changes } = await sync.preview();
        send({ type: 'preview', run: runOf(result), changes });
      }
    } finally {
      stopProgress();
    }
  }
}

function parseRequest(
  line: string,
): { success: true; data: ControlCommand } | { success: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { success: false, message: 'the request is not one line of JSON' };
  }
  const parsed = controlRequestSchema.safeParse(json);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
}

/** Sends the newest progress at most every PROGRESS_EVERY_MS; returns the unsubscribe. */
function streamProgress(
  subscribe: (listener: (progress: RunProgress) => void) => () => void,
  send: (event: ControlEvent) => void,
): () => void {
  let last = 0;
  let latest: RunProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    if (!latest) return;
    last = Date.now();
    send({ type: 'progress', progress: stripUndefined({ ...latest }) });
    latest = undefined;
  };
  const unsubscribe = subscribe((progress) => {
    latest = progress;
    const wait = PROGRESS_EVERY_MS - (Date.now() - last);
    if (wait <= 0) flush();
    else timer ??= setTimeout(flush, wait);
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}

function runOf(result: SyncRunResult) {
  return {
    runId: result.runId,
    mode: result.mode,
    reason: result.reason,
    upserts: result.upserts,
    deletes: result.deletes,
    batches: result.batches,
  };
}

/** JSON drops undefined anyway; this keeps the event types exact (optional, not undefined). */
function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
