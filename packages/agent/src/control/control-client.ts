import { createConnection } from 'node:net';
import { controlEventSchema, type ControlEvent, type ControlRequest } from './control-protocol.js';

/** The agent is not running here (no control socket), or refused the connection. */
export class AgentNotRunningError extends Error {
  constructor(socketPath: string) {
    super(`no running agent answers on ${socketPath}; start it with "ferry-agent run"`);
    this.name = 'AgentNotRunningError';
  }
}

/**
 * Sends one command to the running agent and hands each event line to `onEvent`; resolves
 * with the last event (`result`, `preview`, `status` or `error`).
 */
export function sendControlCommand(
  socketPath: string,
  request: ControlRequest,
  onEvent: (event: ControlEvent) => void = () => undefined,
): Promise<ControlEvent> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    let last: ControlEvent | undefined;
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const event = controlEventSchema.safeParse(JSON.parse(line));
        if (!event.success) {
          socket.destroy();
          reject(new Error(`the agent sent an event this CLI does not understand: ${line}`));
          return;
        }
        last = event.data;
        onEvent(event.data);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(new AgentNotRunningError(socketPath));
      } else reject(error);
    });
    socket.on('close', () => {
      if (last) resolve(last);
      else reject(new Error('the agent closed the control connection without an answer'));
    });
  });
}
