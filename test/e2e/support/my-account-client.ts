import { Api, type ApiAnswer } from '../../../scripts/support/api.js';

/** An end user's browser, as far as the API goes: the ferry_user cookie and the CSRF token. */
export type UserAnswer = ApiAnswer;

export class MyAccountClient extends Api {
  /** Signs in; keeps the session when it worked, and returns the answer either way. */
  override async signIn(userPrincipalName: string, password: string): Promise<UserAnswer> {
    const answer = await this.call('POST', '/api/v1/me/sign-in', { userPrincipalName, password });
    if (answer.status === 200) {
      this.holdSession(
        answer.setCookie
          .map((line) => line.split(';')[0]!)
          .find((pair) => /^(__Host-)?ferry_user=/.test(pair)),
        answer.json.csrfToken,
      );
    }
    return answer;
  }
}
