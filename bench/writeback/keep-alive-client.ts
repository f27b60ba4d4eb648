import { Agent, request } from 'node:http';
import { Api, parseJson, type ApiAnswer } from '../../scripts/support/api.js';

/**
 * The benchmark's API client: node:http over kept-alive connections, as a service calling
 * the admin API would hold them. (Node 20's fetch adds about 1 ms a call of its own.)
 */
export class KeepAliveClient extends Api {
  readonly #agent: Agent;

  /** Clients given one shared agent (many sessions, few sockets) share its connections. */
  constructor(baseUrl: string, agent: Agent = new Agent({ keepAlive: true, maxSockets: 16 })) {
    super(baseUrl);
    this.#agent = agent;
  }

  override call(method: string, route: string, body?: unknown): Promise<ApiAnswer> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const outgoing = request(
        new URL(route, this.baseUrl),
        {
          method,
          agent: this.#agent,
          headers: {
            ...this.headersFor(method, body),
            ...(payload ? { 'content-length': payload.length } : {}),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              json: parseJson(Buffer.concat(chunks).toString()),
              setCookie: response.headers['set-cookie'] ?? [],
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Closes the client's connections (those of a shared agent too). */
  close(): void {
    this.#agent.destroy();
  }
}
