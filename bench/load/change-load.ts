import type { Agent } from 'node:http';
import { KeepAliveClient } from '../writeback/keep-alive-client.js';

/** A user signed in to My Account (the ferry_user cookie and the CSRF token), kept alive. */
export class UserSession extends KeepAliveClient {
  static async signIn(
    baseUrl: string,
    agent: Agent,
    userPrincipalName: string,
    password: string,
  ): Promise<UserSession> {
    const session = new UserSession(baseUrl, agent);
    const answer = await session.call('POST', '/api/v1/me/sign-in', {
      userPrincipalName,
      password,
    });
    if (answer.status !== 200)
      throw new Error(`user sign-in: ${answer.status} ${JSON.stringify(answer.json)}`);
    session.holdSession(
      answer.setCookie
        .map((line) => line.split(';')[0]!)
        .find((pair) => /^(__Host-)?ferry_user=/.test(pair)),
      (answer.json as { csrfToken: string }).csrfToken,
    );
    return session;
  }

  /** Changes the password (current + new); throws unless the directory applied it. */
  async change(currentPassword: string, newPassword: string): Promise<void> {
    const answer = await this.post('/api/v1/me/password', { currentPassword, newPassword });
    if (answer.status !== 200 || answer.json?.outcome !== 'applied')
      throw new Error(`change: ${answer.status} ${JSON.stringify(answer.json)}`);
  }
}
