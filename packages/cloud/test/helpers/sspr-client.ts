import { solveChallenge } from '../../src/sspr/proof-of-work.js';
import type { ZodApp } from '../../src/http/zod-schemas.js';
import type { ApiResponse } from './api-client.js';

/** Drives the anonymous reset API through fastify.inject, keeping the flow token. */
export class SsprClient {
  flowToken: string | undefined;

  constructor(
    private readonly app: ZodApp,
    private readonly remember: (secret: string) => void = () => undefined,
  ) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const response = await this.app.inject({
      method,
      url: `/api/v1/sspr${url}`,
      headers: { ...(this.flowToken ? { 'x-ferry-flow': this.flowToken } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    let json: unknown;
    try {
      json = response.json();
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, json, headers: response.headers, body: response.body };
  }

  get(url: string): Promise<ApiResponse> {
    return this.request('GET', url);
  }

  post(url: string, body: unknown = {}): Promise<ApiResponse> {
    return this.request('POST', url, body);
  }

  /** A solved proof-of-work challenge. */
  async solved(): Promise<{ challenge: string; nonce: string }> {
    const { json } = await this.get('/challenge');
    return { challenge: json.challenge, nonce: solveChallenge(json.challenge, json.difficulty) };
  }

  /** Starts a flow for `upn` and keeps its token. */
  async start(upn: string): Promise<ApiResponse> {
    const response = await this.post('/start', {
      userPrincipalName: upn,
      ...(await this.solved()),
    });
    if (response.status === 200) {
      this.flowToken = response.json.flowToken;
      this.remember(response.json.flowToken);
    }
    return response;
  }
}
