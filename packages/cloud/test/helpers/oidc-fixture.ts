import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OidcUserAgent } from '../../../../test/support/oidc-user-agent.js';
import { SampleRelyingParty } from '../../../../test/support/sample-relying-party.js';
import { SignInWalker } from '../../../../test/support/oidc-sign-in-walker.js';
import type { ApiClient } from './api-client.js';
import type { Harness } from './harness.js';

/** Where the sample application would receive the browser (never contacted: tests stop there). */
export const CALLBACK = 'http://127.0.0.1:9/callback';
export const LOGGED_OUT = 'http://127.0.0.1:9/logged-out';

export interface RegisteredApp {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly rp: SampleRelyingParty;
}

/** Registers an application through the admin API and discovers it with openid-client. */
export async function registerApp(
  h: Harness,
  admin: ApiClient,
  issuer: string,
  settings: Record<string, unknown> = {},
): Promise<RegisteredApp> {
  const created = await admin.post('/api/v1/applications', {
    name: `App ${h.random().slice(0, 8)}`,
    kind: 'confidential',
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [LOGGED_OUT],
    scopes: ['profile', 'email', 'groups', 'offline_access'],
    ...settings,
  });
  if (created.status !== 201) throw new Error(`register: ${created.status} ${created.body}`);
  const { clientId } = created.json.application as { clientId: string };
  const clientSecret = created.json.clientSecret as string | null;
  if (clientSecret) h.secretsUsed.push(clientSecret);
  const rp = await SampleRelyingParty.discover({
    issuer,
    clientId,
    clientSecret: clientSecret ?? undefined,
    redirectUri: CALLBACK,
  });
  return { clientId, clientSecret, rp };
}

export function newWalker(): SignInWalker {
  return new SignInWalker(new OidcUserAgent(), CALLBACK);
}

/** The cloud of a harness, listening on a loopback port; its issuer is `<url>/oidc`. */
export async function listening(h: Harness): Promise<{ base: string; issuer: string }> {
  const base = await h.cloud.listen();
  return { base, issuer: `${base}/oidc` };
}

/** A tiny HTTP server (an unused port) some tests point redirect URIs at. */
export async function idleServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
