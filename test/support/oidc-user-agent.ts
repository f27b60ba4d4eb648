/**
 * A browser as far as HTTP goes, for driving OpenID Connect flows without Chromium: a cookie
 * jar that honours Path, and redirects followed by hand (so a test sees each hop and stops at
 * the application's callback).
 */
interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
}

export interface AgentResponse {
  readonly status: number;
  readonly url: string;
  readonly location: string | null;
  readonly text: string;
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- bodies are checked field by field
}

export class OidcUserAgent {
  readonly #cookies = new Map<string, StoredCookie>();
  /** Headers sent with every request (e.g. a forwarded address). */
  readonly extraHeaders: Record<string, string> = {};
  /** Every Set-Cookie line received, in order (to check cookie attributes). */
  readonly setCookieLines: string[] = [];

  cookieValues(): string[] {
    return [...this.#cookies.values()].map((cookie) => cookie.value);
  }

  cookieValue(name: string): string | undefined {
    return [...this.#cookies.values()].find((cookie) => cookie.name === name)?.value;
  }

  hasCookie(name: string): boolean {
    return [...this.#cookies.values()].some((cookie) => cookie.name === name);
  }

  async request(
    method: string,
    url: string,
    options: {
      json?: unknown;
      form?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<AgentResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...this.extraHeaders, ...options.headers };
    const cookie = this.#cookieHeader(target.pathname);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(target, {
      method,
      headers,
      redirect: 'manual',
      ...(body === undefined ? {} : { body }),
    });
    for (const line of response.headers.getSetCookie()) {
      this.setCookieLines.push(line);
      this.#store(line, target.pathname);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      url: target.href,
      location: location ? new URL(location, target).href : null,
      text,
      json,
    };
  }

  get(url: string): Promise<AgentResponse> {
    return this.request('GET', url);
  }

  /** Follows redirects until a page answers or the next hop starts with `stopAt`. */
  async follow(
    url: string,
    stopAt: string,
  ): Promise<{ url: string; response: AgentResponse | null }> {
    let next = url;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(stopAt)) return { url: next, response: null };
      const response = await this.get(next);
      if (response.status < 300 || response.status >= 400 || !response.location) {
        return { url: next, response };
      }
      next = response.location;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  #cookieHeader(path: string): string {
    return [...this.#cookies.values()]
      .filter(
        (cookie) =>
          path === cookie.path ||
          path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`) ||
          cookie.path === '/',
      )
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  #store(line: string, requestPath: string): void {
    const [pair = '', ...attributes] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    let path = requestPath.replace(/\/[^/]*$/, '') || '/';
    let expired = false;
    for (const attribute of attributes) {
      const [key = '', val = ''] = attribute.trim().split('=');
      if (key.toLowerCase() === 'path') path = val || '/';
      if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
    }
    const key = `${name};${path}`;
    if (expired || value === '') this.#cookies.delete(key);
    else this.#cookies.set(key, { name, value, path });
  }
}
