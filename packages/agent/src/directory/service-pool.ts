import type { Client } from 'ldapts';
import { isConnectionFailure } from './connection-errors.js';
import type { DcEndpoints } from './dc-endpoints.js';
import type { DirectoryConfig } from './directory-config.js';

interface PooledConnection {
  readonly client: Client;
  readonly url: string;
  lastUsed: number;
}

/**
 * Connections bound as the agent's service account, reused across operations (a bind over
 * LDAPS costs a TLS handshake and a password check). At most `poolSize` are open; callers
 * beyond that wait their turn.
 */
export class ServiceConnectionPool {
  readonly #endpoints: DcEndpoints;
  readonly #config: DirectoryConfig;
  readonly #idle: PooledConnection[] = [];
  readonly #waiters: Array<(connection: PooledConnection | undefined) => void> = [];
  #open = 0;
  #closed = false;

  constructor(endpoints: DcEndpoints, config: DirectoryConfig) {
    this.#endpoints = endpoints;
    this.#config = config;
  }

  /**
   * Runs `work` on a bound connection. A connection that breaks is thrown away; the work is
   * tried once more on a fresh connection (maybe another DC) only when `retryable` says the
   * work is safe to repeat.
   */
  async run<T>(work: (client: Client) => Promise<T>, retryable: boolean): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const connection = await this.#acquire();
      try {
        const result = await work(connection.client);
        this.#release(connection);
        return result;
      } catch (error) {
        if (!isConnectionFailure(error)) {
          this.#release(connection);
          throw error;
        }
        this.#endpoints.markDown(connection.url);
        await this.#discard(connection);
        if (!retryable || attempt >= 1) throw error;
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((connection) => this.#discard(connection)));
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  get openConnections(): number {
    return this.#open;
  }

  async #acquire(): Promise<PooledConnection> {
    if (this.#closed) throw new Error('directory connection pool is closed');
    const now = Date.now();
    while (this.#idle.length > 0) {
      const connection = this.#idle.pop()!;
      if (connection.client.isConnected && now - connection.lastUsed < this.#config.idleTimeoutMs) {
        return connection;
      }
      await this.#discard(connection);
    }
    if (this.#open < this.#config.poolSize) {
      this.#open += 1;
      try {
        const { client, url } = await this.#endpoints.connectBound(
          this.#config.bindDn,
          this.#config.bindPassword.reveal(),
        );
        return { client, url, lastUsed: now };
      } catch (error) {
        this.#open -= 1;
        this.#wakeOne();
        throw error;
      }
    }
    const handed = await new Promise<PooledConnection | undefined>((resolve) =>
      this.#waiters.push(resolve),
    );
    if (!handed) return this.#acquire();
    return handed;
  }

  #release(connection: PooledConnection): void {
    connection.lastUsed = Date.now();
    const waiter = this.#waiters.shift();
    if (waiter) waiter(connection);
    else this.#idle.push(connection);
  }

  async #discard(connection: PooledConnection): Promise<void> {
    this.#open -= 1;
    await connection.client.unbind().catch(() => undefined);
    this.#wakeOne();
  }

  /** A slot freed up: a waiter may now open its own connection. */
  #wakeOne(): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(undefined);
  }
}
