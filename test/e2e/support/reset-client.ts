import assert from 'node:assert/strict';
import { solveChallenge } from '../../../packages/cloud/src/sspr/proof-of-work.js';

/** The anonymous reset API over real HTTP (real processes), keeping the flow token for the x-ferry-flow header. */
export class ResetClient {
  flowToken: string | undefined;
  constructor(
    private readonly baseUrl: string,
    private readonly remember: (secret: string) => void = () => undefined,
  ) {}

  async call(method: 'GET' | 'POST', route: string, body?: unknown) {
    const response = await fetch(new URL(`/api/v1/sspr${route}`, this.baseUrl), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.flowToken ? { 'x-ferry-flow': this.flowToken } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
    return { status: response.status, json: (await response.json()) as any };
  }

  async start(upn: string) {
    const { json: pow } = await this.call('GET', '/challenge');
    const nonce = solveChallenge(pow.challenge, pow.difficulty);
    const started = await this.call('POST', '/start', {
      userPrincipalName: upn,
      challenge: pow.challenge,
      nonce,
    });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    this.flowToken = started.json.flowToken;
    this.remember(started.json.flowToken);
    return started.json;
  }
}
