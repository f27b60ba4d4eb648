/** A small HTTP client for the cloud's public API that keeps the admin session and CSRF token. */
export interface ApiAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
  readonly json: any;
  readonly setCookie: string[];
}

export class Api {
  #cookie: string | undefined;
  #csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  async call(method: string, route: string, body?: unknown): Promise<ApiAnswer> {
    const response = await fetch(new URL(route, this.baseUrl), {
      method,
      headers: this.headersFor(method, body),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      json: parseJson(await response.text()),
      setCookie: response.headers.getSetCookie(),
    };
  }

  /** A request's headers: JSON, and the session cookie and CSRF token once signed in. */
  protected headersFor(method: string, body: unknown): Record<string, string> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#cookie) headers['cookie'] = this.#cookie;
    if (this.#csrf && method !== 'GET') headers['x-csrf-token'] = this.#csrf;
    return headers;
  }

  /** Sends this session cookie and CSRF token from now on. */
  protected holdSession(cookie: string | undefined, csrf: string | undefined): void {
    this.#cookie = cookie;
    this.#csrf = csrf;
  }

  /** The session cookie value and CSRF token held now (for the secret scans). */
  get secrets(): string[] {
    return [this.#cookie?.split('=')[1], this.#csrf].filter((s): s is string => Boolean(s));
  }

  /** Signs an admin in and keeps the session; throws when the cloud refuses. */
  async signIn(username: string, password: string): Promise<ApiAnswer> {
    const answer = await this.call('POST', '/api/v1/auth/sign-in', { username, password });
    if (answer.status !== 200)
      throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.json)}`);
    this.holdSession(
      answer.setCookie.map((line) => line.split(';')[0]).join('; '),
      (answer.json as { csrfToken: string }).csrfToken,
    );
    return answer;
  }

  get = (route: string) => this.call('GET', route);
  post = (route: string, body: unknown = {}) => this.call('POST', route, body);
  put = (route: string, body: unknown) => this.call('PUT', route, body);
  patch = (route: string, body: unknown) => this.call('PATCH', route, body);
  delete = (route: string) => this.call('DELETE', route);
}

/** The body as JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
