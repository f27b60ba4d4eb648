import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { Client } from 'ldapts';
import type { DirectoryConfig } from '../directory/index.js';
import { NotificationControl } from './sync-controls.js';

/** ldapts keeps a never-ending search's entries in memory: renew the search now and then. */
const RENEW_AFTER_NOTIFICATIONS = 1_000;
const KEEPALIVE_MS = 30_000;

export interface NotificationHandlers {
  /** Something under the base changed (the entry itself is not needed: a delta reads it). */
  readonly onChange: () => void;
  /** The search ended or the connection broke: fall back to polling. */
  readonly onBroken: (error: Error) => void;
}

/**
 * A persistent LDAP_SERVER_NOTIFICATION search over its own connection (it never ends, so
 * it cannot borrow a pooled one). ldapts has no streaming search API; since this connection
 * carries nothing else once bound, any data arriving on its socket is a notification.
 */
export class NotificationListener {
  readonly #config: DirectoryConfig;
  readonly #base: string;
  readonly #handlers: NotificationHandlers;
  #client: Client | undefined;
  #stopped = false;

  constructor(config: DirectoryConfig, base: string, handlers: NotificationHandlers) {
    this.#config = config;
    this.#base = base;
    this.#handlers = handlers;
  }

  /** Connects to the first DC that binds and registers the search. */
  async start(): Promise<void> {
    const ca = this.#config.caFile ? [readFileSync(this.#config.caFile)] : undefined;
    let lastError: unknown;
    for (const url of this.#config.urls) {
      let armed = false;
      let seen = 0;
      const client = new Client({
        url,
        // The search must outlive any operation timeout; the bind is bounded below.
        timeout: 0,
        connectTimeout: this.#config.connectTimeoutMs,
        tlsOptions: { minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) },
        createSecureConnection: ((...args: Parameters<typeof tls.connect>) => {
          const socket = (tls.connect as (...a: unknown[]) => tls.TLSSocket)(...args);
          socket.setKeepAlive(true, KEEPALIVE_MS);
          socket.on('data', () => {
            if (!armed || this.#stopped) return;
            this.#handlers.onChange();
            seen += 1;
            if (seen >= RENEW_AFTER_NOTIFICATIONS) void this.#renew();
          });
          return socket;
        }) as typeof tls.connect,
      });
      try {
        await withTimeout(
          client.bind(this.#config.bindDn, this.#config.bindPassword.reveal()),
          this.#config.operationTimeoutMs,
        );
      } catch (error) {
        lastError = error;
        await client.unbind().catch(() => undefined);
        continue;
      }
      armed = true;
      this.#client = client;
      client
        .search(
          this.#base,
          { scope: 'sub', filter: '(objectClass=*)', attributes: ['objectGUID'] },
          [new NotificationControl()],
        )
        .then(
          () => this.#broken(client, new Error('the notification search ended')),
          (error: unknown) =>
            this.#broken(client, error instanceof Error ? error : new Error(String(error))),
        );
      return;
    }
    throw lastError instanceof Error ? lastError : new Error('no domain controller answered');
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.unbind().catch(() => undefined);
  }

  #broken(client: Client, error: Error): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    void client.unbind().catch(() => undefined);
    this.#handlers.onBroken(error);
  }

  async #renew(): Promise<void> {
    const old = this.#client;
    this.#client = undefined;
    await old?.unbind().catch(() => undefined);
    if (this.#stopped) return;
    try {
      await this.start();
      // Changes between the two searches went unnoticed: a delta catches up.
      this.#handlers.onChange();
    } catch (error) {
      this.#handlers.onBroken(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bind timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
