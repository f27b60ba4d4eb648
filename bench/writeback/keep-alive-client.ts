import { Agent, request } from 'node:http';

/**
 * The benchmark's HTTP client: node:http over kept-alive connections, as a service calling
 * the admin API would hold them. (Node 20's fetch adds about 1 ms a call of its own.)
 */
export class KeepAliveClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 });
  #headers: Record<string, string> = {};

  constructor(readonly baseUrl: string) {}

  async signIn(username: string, password: string): Promise<void> {
    const answer = await this.post('/api/v1/auth/sign-in', { username, password });
    if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${answer.body}`);
    const cookie = answer.setCookie.map((line) => line.split(';')[0]).join('; ');
    const { csrfToken } = JSON.parse(answer.body) as { csrfToken: string };
    this.#headers = { cookie, 'x-csrf-token': csrfToken };
  }

  post(
    route: string,
    body: unknown,
  ): Promise<{ status: number; body: string; setCookie: string[] }> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const outgoing = request(
        new URL(route, this.baseUrl),
        {
          method: 'POST',
          agent: this.#agent,
          headers: {
            ...this.#headers,
            'content-type': 'application/json',
            'content-length': payload.length,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
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

  close(): void {
    this.#agent.destroy();
  }
}
