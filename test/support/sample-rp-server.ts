import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SampleRelyingParty, type PendingAuthorization } from './sample-relying-party.js';

export interface SampleAppSession {
  readonly idToken: string;
  readonly accessToken: string;
  refreshToken: string | undefined;
  readonly claims: Record<string, unknown>;
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The sample application as a browser meets it: a web server on loopback whose pages use
 * `openid-client` — `/login` sends the browser to Ferry, `/callback` redeems the code and
 * validates the ID token, `/refresh` rotates the refresh token, `/logout` asks Ferry to end
 * the session. One user at a time (a test's browser); what it got is in `session`.
 */
export class SampleAppServer {
  session: SampleAppSession | undefined;
  /** Every refresh token the app has held, oldest first. */
  readonly refreshTokens: string[] = [];
  #pending = new Map<string, PendingAuthorization>();
  #rp: SampleRelyingParty | undefined;

  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SampleAppServer> {
    const holder: { app?: SampleAppServer } = {};
    const server = createServer((request, response) => {
      holder.app!.handle(request.url ?? '/').then(
        ({ status, location, body }) => {
          response.writeHead(status, {
            'content-type': 'text/html; charset=utf-8',
            ...(location ? { location } : {}),
          });
          response.end(body ?? '');
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
          response.end(
            `<h1>Sign-in failed</h1><p data-testid="rp-error">${escape(String(error))}</p>`,
          );
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const app = new SampleAppServer(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    holder.app = app;
    return app;
  }

  get callbackUrl(): string {
    return `${this.url}/callback`;
  }

  get loggedOutUrl(): string {
    return `${this.url}/logged-out`;
  }

  /** Points the app at an application registered in Ferry. */
  async configure(options: {
    issuer: string;
    clientId: string;
    clientSecret?: string | undefined;
  }): Promise<void> {
    this.#rp = await SampleRelyingParty.discover({ ...options, redirectUri: this.callbackUrl });
    this.session = undefined;
  }

  get rp(): SampleRelyingParty {
    if (!this.#rp) throw new Error('sample app not configured');
    return this.#rp;
  }

  private async handle(
    path: string,
  ): Promise<{ status: number; location?: string; body?: string }> {
    const url = new URL(path, this.url);
    switch (url.pathname) {
      case '/login': {
        const pending = await this.rp.authorizationUrl(
          url.searchParams.get('scope') ?? 'openid profile email offline_access',
        );
        this.#pending.set(pending.state, pending);
        return { status: 302, location: pending.url };
      }
      case '/callback': {
        const pending = this.#pending.get(url.searchParams.get('state') ?? '');
        if (!pending) throw new Error(`no pending sign-in: ${url.search}`);
        this.#pending.delete(pending.state);
        const tokens = await this.rp.callback(url.href, pending);
        const claims = tokens.claims()! as Record<string, unknown>;
        this.session = {
          idToken: tokens.id_token!,
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          claims,
        };
        if (tokens.refresh_token) this.refreshTokens.push(tokens.refresh_token);
        return {
          status: 200,
          body: this.page(`Signed in as ${String(claims['preferred_username'])}`),
        };
      }
      case '/refresh': {
        const refreshed = await this.rp.refresh(this.session!.refreshToken!);
        this.session!.refreshToken = refreshed.refresh_token;
        if (refreshed.refresh_token) this.refreshTokens.push(refreshed.refresh_token);
        return { status: 200, body: this.page('Tokens refreshed') };
      }
      case '/logout':
        return {
          status: 302,
          location: this.rp.endSessionUrl(this.session!.idToken, this.loggedOutUrl),
        };
      case '/logged-out':
        this.session = undefined;
        return { status: 200, body: this.page('Signed out of the sample app') };
      default:
        return { status: 404, body: 'not found' };
    }
  }

  private page(text: string): string {
    return `<!doctype html><html lang="en"><head><title>Sample app</title></head><body><main><h1 data-testid="rp-status">${escape(text)}</h1></main></body></html>`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
