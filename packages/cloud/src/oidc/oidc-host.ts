import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { RelayBus } from '../relay/relay-bus.js';
import { FerryError } from '../util/ferry-error.js';
import { purgeExpiredPayloads } from './payload-adapter.js';
import { createProvider, OIDC_MOUNT, type ProviderDeps } from './provider-config.js';
import {
  loadSigningKeys,
  rotateSigningKey,
  type SigningKeySet,
  type SigningKeyView,
} from './signing-keys.js';

/** How often a node looks for new signing keys and drops expired artefacts. */
const KEY_CHECK_MS = 30_000;
const PURGE_MS = 10 * 60_000;

export interface OidcHostDeps extends Omit<ProviderDeps, 'issuer' | 'signInUrl'> {
  readonly rotationDays: number;
  /** Tells the other nodes of a rotation at once (else they see it at their next key check). */
  readonly bus: RelayBus;
  readonly log: {
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
  };
}

/** The provider's own pages hold no script, and a form may lead to an application's redirect URI. */
const PROVIDER_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/**
 * Holds this node's provider and mounts it under `/oidc`. The issuer is known once the node
 * listens (`publicUrl`, else the listening address). When the signing key set changes (a
 * rotation made on any node), the provider is rebuilt with the new keys: requests in flight
 * finish on the old instance, and every artefact lives in the store, so nothing is lost.
 */
export class OidcHost {
  #provider: Provider | undefined;
  #keys: SigningKeySet | undefined;
  #issuer: string | undefined;
  #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: OidcHostDeps) {}

  get issuer(): string | undefined {
    return this.#issuer;
  }

  /** The provider; `not_ready` until the node listens. */
  get provider(): Provider {
    if (!this.#provider)
      throw new FerryError('not_ready', 'the OIDC provider starts when the node listens');
    return this.#provider;
  }

  async start(baseUrl: string): Promise<void> {
    this.#issuer = `${baseUrl.replace(/\/$/, '')}${OIDC_MOUNT}`;
    await this.refreshKeys();
    this.#unsubscribe = this.deps.bus.subscribe((message) => {
      if (message.type !== 'oidc_keys_changed') return;
      this.refreshKeys().catch((error: unknown) =>
        this.deps.log.error({ err: error }, 'oidc signing keys could not be read'),
      );
    });
    this.#timers.push(
      setInterval(() => {
        this.refreshKeys().catch((error: unknown) =>
          this.deps.log.error({ err: error }, 'oidc signing keys could not be read'),
        );
      }, KEY_CHECK_MS).unref(),
      setInterval(() => {
        purgeExpiredPayloads(this.deps).catch((error: unknown) =>
          this.deps.log.warn({ err: error }, 'expired oidc artefacts could not be purged'),
        );
      }, PURGE_MS).unref(),
    );
  }

  /** Reads the key set (rotating when due) and rebuilds the provider when it changed. */
  async refreshKeys(): Promise<void> {
    const keys = await loadSigningKeys(this.deps, this.deps.rotationDays);
    if (this.#provider && keys.version === this.#keys?.version) return;
    const issuer = this.#issuer!;
    const origin = new URL(issuer).origin;
    this.#provider = createProvider(
      { ...this.deps, issuer, signInUrl: (uid) => `${origin}/api/v1/sign-in/${uid}` },
      keys,
    );
    this.#provider.on('server_error', (_ctx, error) =>
      this.deps.log.error({ err: error }, 'oidc provider error'),
    );
    this.#keys = keys;
  }

  #handlers = new WeakMap<Provider, ReturnType<Provider['callback']>>();

  /** Koa composes its middleware in `callback()`: once per provider instance. */
  #handlerOf(provider: Provider): ReturnType<Provider['callback']> {
    let handler = this.#handlers.get(provider);
    if (!handler) {
      handler = provider.callback();
      this.#handlers.set(provider, handler);
    }
    return handler;
  }

  /** The signing keys as the store holds them now. */
  async signingKeys(): Promise<readonly SigningKeyView[]> {
    return (await loadSigningKeys(this.deps, this.deps.rotationDays)).views;
  }

  /** An admin's rotation; this node switches at once, the others at their next key check. */
  async rotateSigningKey(options: {
    activateInMinutes: number;
    retirePrevious: boolean;
  }): Promise<SigningKeyView> {
    const key = await rotateSigningKey(this.deps, options);
    if (this.#issuer) await this.refreshKeys();
    await this.deps.bus.publish({ type: 'oidc_keys_changed' });
    return key;
  }

  close(): void {
    this.#unsubscribe?.();
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }

  /**
   * Routes `/oidc/*` to the provider, before Fastify parses the body (the provider reads it
   * itself). Fastify's own hooks that run first still apply: the rate limit, the request id.
   */
  mount(app: FastifyInstance): void {
    const handle = async (
      request: { raw: IncomingMessage },
      reply: { raw: ServerResponse; hijack(): void },
    ) => {
      const provider = this.provider;
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? '';
      raw.originalUrl = url;
      raw.url = url.slice(OIDC_MOUNT.length) || '/';
      reply.raw.setHeader('content-security-policy', PROVIDER_CSP);
      await this.#handlerOf(provider)(raw, reply.raw);
    };
    app.route({
      method: ['GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE'],
      url: `${OIDC_MOUNT}/*`,
      schema: { hide: true },
      onRequest: handle,
      handler: async () => undefined,
    });
  }
}
