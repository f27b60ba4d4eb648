import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

export interface MemoryProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A refresh token for a fresh grant (one per benchmark worker: tokens rotate). */
  refreshToken(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The token endpoint's floor: the same certified library, same settings that matter for a
 * refresh (rotation, RS256 ID tokens, opaque access tokens), but with its in-memory adapter,
 * a static client with a plain secret, an account without a store, no Fastify in front.
 */
export async function startMemoryProvider(): Promise<MemoryProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const clientId = 'bench-client';
  const clientSecret = 'bench-secret-bench-secret-bench-secret-1234';
  const holder: { server?: Server } = {};
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  holder.server = server;
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk as never] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: ['http://127.0.0.1:9/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid profile offline_access',
      },
    ],
    scopes: ['openid', 'profile', 'offline_access'],
    features: { devInteractions: { enabled: false } },
    rotateRefreshToken: true,
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, name: 'Bench User', preferred_username: 'bench@example.test' }),
    }),
  });
  const handler = provider.callback();
  const client = await provider.Client.find(clientId);
  return {
    issuer,
    clientId,
    clientSecret,
    refreshToken: async () => {
      const grant = new provider.Grant({ accountId: 'bench-user', clientId });
      grant.addOIDCScope('openid profile offline_access');
      const grantId = await grant.save();
      const token = new provider.RefreshToken({
        client,
        accountId: 'bench-user',
        grantId,
        gty: 'authorization_code',
        scope: 'openid profile offline_access',
        authTime: Math.floor(Date.now() / 1000),
      } as never);
      return token.save();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
