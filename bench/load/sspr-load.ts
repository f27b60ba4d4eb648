import type { Agent } from 'node:http';
import { solveChallenge } from '../../packages/cloud/src/sspr/proof-of-work.js';
import type { CaughtMail, MailCatcher } from '../../test/support/mail-catcher.js';
import { KeepAliveClient } from '../writeback/keep-alive-client.js';
import type { LoadUser } from './load-users.js';

/** The anonymous reset API with the flow token in its header, over kept-alive connections. */
class SsprClient extends KeepAliveClient {
  flowToken: string | undefined;

  protected override headersFor(method: string, body: unknown): Record<string, string> {
    const headers = super.headersFor(method, body);
    if (this.flowToken) headers['x-ferry-flow'] = this.flowToken;
    return headers;
  }
}

/** Where a synced load user gets their reset codes (registered by the admin before the run). */
export const ssprAddress = (user: LoadUser): string =>
  `${user.sam.toLowerCase()}@mail.example.test`;

/**
 * One self-service reset as a person does it, step by step: proof of work, start, send the
 * email code, read it from the mail the cloud sent to the SMTP catcher, verify it, reset.
 * Returns how long the last step (the reset, relayed to an agent) took.
 */
export async function ssprReset(
  baseUrl: string,
  agent: Agent,
  mail: MailCatcher,
  consumed: WeakSet<CaughtMail>,
  user: LoadUser,
  newPassword: string,
): Promise<number> {
  const client = new SsprClient(baseUrl, agent);
  const expect = async (
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
  ): Promise<Record<string, unknown>> => {
    const answer = await client.call(method, `/api/v1/sspr${route}`, body);
    if (answer.status !== 200)
      throw new Error(`sspr ${route}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json as Record<string, unknown>;
  };
  const pow = await expect('GET', '/challenge');
  const challenge = String(pow['challenge']);
  const started = await expect('POST', '/start', {
    userPrincipalName: user.upn,
    challenge,
    nonce: solveChallenge(challenge, Number(pow['difficulty'])),
  });
  client.flowToken = String(started['flowToken']);
  await expect('POST', '/gates/email/send');
  const message = await mail.waitFor(
    ssprAddress(user),
    (m) => m.subject === 'Your password reset code' && !consumed.has(m),
    30_000,
  );
  consumed.add(message);
  const code = /\b(\d{6})\b/.exec(message.text)?.[1];
  if (!code) throw new Error('no code in the reset mail');
  await expect('POST', '/gates/email/verify', { code });
  const begin = performance.now();
  const reset = await expect('POST', '/reset', { newPassword });
  if (reset['outcome'] !== 'applied') throw new Error(`sspr reset: ${JSON.stringify(reset)}`);
  return performance.now() - begin;
}
