/** An end user's browser, as far as the API goes: the ferry_user cookie and the CSRF token. */
export interface UserAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
  readonly json: any;
  readonly setCookie: string[];
}

export class MyAccountClient {
  #cookie: string | undefined;
  #csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** The session id and CSRF token held now (for the secret scans). */
  get secrets(): string[] {
    return [this.#cookie?.split('=')[1], this.#csrf].filter((s): s is string => Boolean(s));
  }

  async call(method: string, route: string, body?: unknown): Promise<UserAnswer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#cookie) headers['cookie'] = this.#cookie;
    if (this.#csrf && method !== 'GET') headers['x-csrf-token'] = this.#csrf;
    const response = await fetch(new URL(route, this.baseUrl), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, setCookie: response.headers.getSetCookie() };
  }

  /** Signs in; keeps the session when it worked, and returns the answer either way. */
  async signIn(userPrincipalName: string, password: string): Promise<UserAnswer> {
    const answer = await this.call('POST', '/api/v1/me/sign-in', { userPrincipalName, password });
    if (answer.status === 200) {
      this.#cookie = answer.setCookie
        .map((line) => line.split(';')[0]!)
        .find((pair) => pair.startsWith('ferry_user='));
      this.#csrf = answer.json.csrfToken;
    }
    return answer;
  }

  get = (route: string) => this.call('GET', route);
  post = (route: string, body: unknown = {}) => this.call('POST', route, body);
  put = (route: string, body: unknown) => this.call('PUT', route, body);
}
