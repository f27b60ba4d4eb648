import type { ZodApp } from '../../src/http/zod-schemas.js';

export interface ApiResponse {
  readonly status: number;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: string;
}

/** Talks to the server through fastify.inject, keeping the admin session cookie and CSRF token. */
export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;
  /** The client address the server sees (the socket's; no proxy is trusted in tests). */
  remoteAddress: string | undefined;

  constructor(private readonly app: ZodApp) {}

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.csrfToken && options.csrf !== false && method !== 'GET') {
      headers['x-csrf-token'] = this.csrfToken;
    }
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
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

  /** Any method, any payload (a string is sent as is, malformed or not), any content type. */
  async raw(
    method: string,
    url: string,
    payload: string | undefined,
    contentType: string | undefined,
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    if (contentType) headers['content-type'] = contentType;
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
      ...(payload === undefined ? {} : { payload }),
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
  post(url: string, body?: unknown, options?: { csrf?: boolean }): Promise<ApiResponse> {
    return this.request('POST', url, body ?? {}, options);
  }
  put(url: string, body?: unknown): Promise<ApiResponse> {
    return this.request('PUT', url, body ?? {});
  }
  patch(url: string, body?: unknown): Promise<ApiResponse> {
    return this.request('PATCH', url, body ?? {});
  }
  delete(url: string): Promise<ApiResponse> {
    return this.request('DELETE', url);
  }

  /** Signs in and keeps the cookies; throws when sign-in fails. */
  async signIn(username: string, password: string, tenantId?: string): Promise<ApiResponse> {
    const response = await this.post('/api/v1/auth/sign-in', {
      username,
      password,
      ...(tenantId ? { tenantId } : {}),
    });
    if (response.status !== 200) {
      throw new Error(`sign-in of ${username} failed: ${response.status} ${response.body}`);
    }
    const setCookie = response.headers['set-cookie'];
    const cookies = (Array.isArray(setCookie) ? setCookie : [String(setCookie)]).map(
      (line) => line.split(';')[0],
    );
    this.cookie = cookies.join('; ');
    this.csrfToken = (response.json as { csrfToken: string }).csrfToken;
    return response;
  }
}
