import { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import Provider, {
  interactionPolicy,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { TrustProxy } from '../config/trust-proxy.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { tokenMatchesHash } from '../crypto/tokens.js';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { loadAccount } from './accounts.js';
import { findApplication, mayUseApplication, type ApplicationRow } from './applications.js';
import { ClientAdapter } from './client-metadata.js';
import { loadConsentedGrant } from './consents.js';
import { PayloadAdapter } from './payload-adapter.js';
import { errorPage, languageOf, signedOutPage, signOutPage } from './provider-pages.js';
import { getSignInSettings } from './sign-in-settings.js';
import type { SigningKeySet } from './signing-keys.js';

export interface ProviderLifetimes {
  readonly accessTokenMinutes: number;
  readonly refreshTokenDays: number;
  readonly sessionMinutes: number;
}

export interface ProviderDeps {
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly clock: Clock;
  readonly tenantId: string;
  /** `<base>/oidc`: every node of one deployment must use the same. */
  readonly issuer: string;
  /** Keys that sign the provider's cookies, the same on every node (derived from the data key). */
  readonly cookieKeys: readonly string[];
  /**
   * Cookies hardened as Ferry's own (`http/cookies.ts`, issue 13 item 12): `__Host-` names,
   * Secure, path `/`, whenever the listener is not loopback, has TLS or the public URL is https.
   */
  readonly cookiesHardened: boolean;
  readonly lifetimes: ProviderLifetimes;
  readonly trustProxy: TrustProxy;
  /** Where the browser goes for a sign-in step (Ferry's sign-in pages). */
  readonly signInUrl: (uid: string) => string;
}

export const OIDC_MOUNT = '/oidc';
const COOKIE_NAMES = {
  session: 'ferry_oidc_session',
  interaction: 'ferry_oidc_interaction',
  resume: 'ferry_oidc_resume',
} as const;

/**
 * The provider's cookie names and options. Hardened, the session and interaction cookies are
 * `__Host-` prefixed and Secure with path `/` (the prefix forbids another path and any Domain,
 * so a sibling host or a plain-http page cannot plant or shadow one); the provider scopes the
 * interaction cookie to its own path otherwise, so at `/` a browser holds one pending sign-in at
 * a time (a second one started in another tab makes the first answer `sign_in_expired`). The
 * provider pins the resume cookie's path to `/oidc/auth/<uid>`, which `__Host-` forbids: it is
 * `__Secure-` (Secure, set only over https) and, like the others, signed with the cookie keys,
 * so a cookie planted by another host fails its signature.
 */
export function providerCookies(
  hardened: boolean,
  keys: readonly string[],
): NonNullable<Configuration['cookies']> {
  const names = hardened
    ? {
        session: `__Host-${COOKIE_NAMES.session}`,
        interaction: `__Host-${COOKIE_NAMES.interaction}`,
        resume: `__Secure-${COOKIE_NAMES.resume}`,
      }
    : COOKIE_NAMES;
  const common = hardened
    ? ({ httpOnly: true, sameSite: 'lax', signed: true, secure: true, path: '/' } as const)
    : ({ httpOnly: true, sameSite: 'lax', signed: true } as const);
  return { names, keys: [...keys], long: { ...common }, short: { ...common } };
}

/**
 * Koa lets a Secure cookie out only on a connection it sees as encrypted. Hardened, the
 * browser reached the cloud over https (TLS here, or a proxy in front whose hop may not be
 * trusted), so every cookie jar of the provider is told the connection is secure.
 */
function markConnectionsSecure(provider: Provider): void {
  let proto: object | null = provider.app.context;
  let descriptor: PropertyDescriptor | undefined;
  while (proto && !descriptor) {
    descriptor = Object.getOwnPropertyDescriptor(proto, 'cookies');
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  const { get, set } = descriptor ?? {};
  if (!get || !set) throw new Error('koa context without a cookies accessor');
  Object.defineProperty(provider.app.context, 'cookies', {
    configurable: true,
    get(this: unknown) {
      const jar = get.call(this) as { secure?: boolean };
      jar.secure = true;
      return jar;
    },
    set(this: unknown, value: unknown) {
      set.call(this, value);
    },
  });
}

/**
 * The provider's configuration: what Ferry turns on (code flow with PKCE, refresh tokens
 * rotated on every use, userinfo, revocation, RP-initiated logout), what it turns off (the
 * development interactions, dynamic registration, symmetric algorithms: client secrets are
 * stored only as digests), and where it plugs in its own store, accounts, consent and
 * sign-in pages.
 */
export function createProvider(deps: ProviderDeps, keys: SigningKeySet): Provider {
  const { db, tenantId, lifetimes } = deps;
  const clientAdapter = new ClientAdapter({ db, tenantId });
  const store = { db, box: deps.box, clock: deps.clock, tenantId };
  const refreshSeconds = lifetimes.refreshTokenDays * 24 * 60 * 60;
  const configuration: Configuration = {
    adapter: (name: string) =>
      name === 'Client' ? clientAdapter : new PayloadAdapter(store, name),
    jwks: {
      keys: keys.keys.map((key) => ({ ...key })) as NonNullable<Configuration['jwks']>['keys'],
    },
    cookies: providerCookies(deps.cookiesHardened, deps.cookieKeys),
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    claims: {
      // amr under openid: applications see how the user proved who they are (pwd, otp, mfa).
      openid: ['sub', 'amr'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
    },
    // The ID token carries the profile claims too, not only userinfo (as Entra's does).
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      requestObjectSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      introspectionSigningAlgValues: ['RS256'],
      authorizationSigningAlgValues: ['RS256'],
    },
    pkce: {
      methods: ['S256'],
      // RFC 9700: always for public clients; a confidential client's challenge is checked
      // when it sends one.
      required: (_ctx, client) => client.clientAuthMethod === 'none',
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = signOutPage(
            languageOf(ctx.get('accept-language')),
            form,
            ctx.oidc.client?.clientName,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = signedOutPage(languageOf(ctx.get('accept-language')));
        },
      },
    },
    ttl: {
      AccessToken: lifetimes.accessTokenMinutes * 60,
      IdToken: lifetimes.accessTokenMinutes * 60,
      AuthorizationCode: 60,
      RefreshToken: refreshSeconds,
      Interaction: 30 * 60,
      Session: lifetimes.sessionMinutes * 60,
      Grant: Math.max(refreshSeconds, lifetimes.sessionMinutes * 60),
    },
    // Every refresh token is used once: the next one comes with the answer, and a second use
    // of a spent one revokes the grant (RFC 9700 §4.14.2).
    rotateRefreshToken: true,
    // An application allowed `offline_access` gets refresh tokens without `prompt=consent`;
    // they end with the sign-in session unless offline_access was granted.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: {
      url: async (_ctx, interaction) => deps.signInUrl(interaction.uid),
      policy: signInPolicy(deps),
    },
    findAccount: async (ctx, sub, token) => {
      const authTime =
        token === undefined
          ? (ctx.oidc.session?.loginTs ?? undefined)
          : (token as { authTime?: number }).authTime;
      return loadAccount(db, tenantId, sub, authTime);
    },
    loadExistingGrant: (ctx) => loadConsentedGrant(db, tenantId, ctx),
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(
        languageOf(ctx.get('accept-language')),
        out.error,
        out.error_description,
      );
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  if (deps.cookiesHardened) markConnectionsSecure(provider);
  // Koa (under the provider) cannot check the proxy's own address; it takes X-Forwarded-* only
  // when some proxy is trusted, and then only the nearest hops' entries of X-Forwarded-For.
  provider.proxy = deps.trustProxy !== false;
  provider.app.maxIpsCount = typeof deps.trustProxy === 'number' ? deps.trustProxy : 1;
  // Client secrets are stored as SHA-256 digests, so the presented secret is hashed and
  // compared in constant time; the provider never holds a secret in clear.
  const clientPrototype = (provider.Client as unknown as { prototype: SecretComparable }).prototype;
  clientPrototype.compareClientSecret = function compare(this: SecretComparable, actual: string) {
    return Promise.resolve(
      typeof this.clientSecret === 'string' &&
        tokenMatchesHash(Secret.of(actual), this.clientSecret),
    );
  };
  return provider;
}

interface SecretComparable {
  clientSecret?: string;
  compareClientSecret(actual: string): Promise<boolean>;
}

const applications = new WeakMap<object, Promise<ApplicationRow | undefined>>();

/** The application of this request, read once per request. */
function applicationOf(
  db: Kysely<Database>,
  tenantId: string,
  ctx: KoaContextWithOIDC,
): Promise<ApplicationRow | undefined> {
  let found = applications.get(ctx);
  if (!found) {
    found = ctx.oidc.client
      ? findApplication(db, tenantId, ctx.oidc.client.clientId)
      : Promise.resolve(undefined);
    applications.set(ctx, found);
  }
  return found;
}

/**
 * The provider's login prompt, plus Ferry's reasons to ask again although a session exists:
 * its account can no longer sign in (disabled, deleted, password set since), may not use
 * this application, or has not proved the second factor the tenant or the application
 * requires.
 */
function signInPolicy(deps: ProviderDeps): interactionPolicy.DefaultPolicy {
  const { Check } = interactionPolicy;
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(
    new Check('account_unavailable', 'the account can no longer sign in', async (ctx) =>
      Boolean(ctx.oidc.session?.accountId && !ctx.oidc.account),
    ),
  );
  login.checks.add(
    new Check(
      'application_not_assigned',
      'the account may not use this application',
      async (ctx) => {
        const accountId = ctx.oidc.session?.accountId;
        const application = await applicationOf(deps.db, deps.tenantId, ctx);
        return Boolean(
          accountId && application && !(await mayUseApplication(deps.db, application, accountId)),
        );
      },
    ),
  );
  login.checks.add(
    new Check('mfa_required', 'a second factor is required', async (ctx) => {
      if (!ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      if (ctx.oidc.session.amr?.includes('mfa')) return Check.NO_NEED_TO_PROMPT;
      const application = await applicationOf(deps.db, deps.tenantId, ctx);
      const settings = await getSignInSettings(deps.db, deps.tenantId);
      return settings.mfaRequired || application?.mfa_required === 1;
    }),
  );
  return policy;
}
