/** A small HTTP client for the cloud's public API that keeps the admin session and CSRF token. */
export interface ApiAnswer {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
  readonly json: any;
}

export class Api {
  #cookie: string | undefined;
  #csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  async call(method: string, route: string, body?: unknown): Promise<ApiAnswer> {
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
    return { status: response.status, json };
  }

  async signIn(username: string, password: string): Promise<void> {
    const response = await fetch(new URL('/api/v1/auth/sign-in', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200)
      throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
    this.#cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    this.#csrf = ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  get = (route: string) => this.call('GET', route);
  post = (route: string, body: unknown = {}) => this.call('POST', route, body);
  put = (route: string, body: unknown) => this.call('PUT', route, body);
  patch = (route: string, body: unknown) => this.call('PATCH', route, body);
  delete = (route: string) => this.call('DELETE', route);
}
