import { readFileSync } from 'node:fs';
import { Client, type Control } from 'ldapts';
import { isConnectionFailure } from './connection-errors.js';
import type { DirectoryConfig } from './directory-config.js';
import { timedClient, type DcObserver } from './timed-client.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class DirectoryUnreachableError extends Error {
  override readonly name = 'DirectoryUnreachableError';
  constructor(readonly attempts: ReadonlyArray<{ url: string; reason: string }>) {
    super(
      `no domain controller answered: ${attempts.map((a) => `${a.url} (${a.reason})`).join('; ')}`,
    );
  }
}

/**
 * The domain controllers the agent may use, in the order to try them: the last one that
 * answered first, then the others; a DC that failed is skipped for a while unless every
 * DC has failed, in which case all are tried again.
 */
export class DcEndpoints {
  readonly #config: DirectoryConfig;
  readonly #clock: Clock;
  readonly #ca: Buffer[] | undefined;
  readonly #downUntil = new Map<string, number>();
  #preferred: string;
  readonly #observer: DcObserver | undefined;

  constructor(config: DirectoryConfig, clock: Clock = systemClock, observer?: DcObserver) {
    this.#config = config;
    this.#observer = observer;
    this.#clock = clock;
    this.#ca = config.caFile ? [readFileSync(config.caFile)] : undefined;
    this.#preferred = config.urls[0]!;
  }

  get preferred(): string {
    return this.#preferred;
  }

  candidates(): string[] {
    const now = this.#clock.now().getTime();
    const ordered = [
      this.#preferred,
      ...this.#config.urls.filter((url) => url !== this.#preferred),
    ];
    const up = ordered.filter((url) => (this.#downUntil.get(url) ?? 0) <= now);
    return up.length > 0 ? up : ordered;
  }

  newClient(url: string): Client {
    const client = new Client({
      url,
      timeout: this.#config.operationTimeoutMs,
      connectTimeout: this.#config.connectTimeoutMs,
      tlsOptions: { minVersion: 'TLSv1.2', ...(this.#ca ? { ca: this.#ca } : {}) },
    });
    return this.#observer ? timedClient(client, url, this.#observer) : client;
  }

  markUp(url: string): void {
    this.#downUntil.delete(url);
    this.#preferred = url;
    this.#observer?.reachable(url, true);
  }

  markDown(url: string): void {
    this.#downUntil.set(url, this.#clock.now().getTime() + this.#config.dcRetryAfterMs);
    this.#observer?.reachable(url, false);
  }

  /**
   * Opens a connection bound as `dn`, failing over across DCs on connection failures. An
   * LDAP answer to the bind (bad credentials, locked account...) is thrown as is: another
   * DC would say the same. `controls` makes the bind's request controls, fresh per attempt.
   */
  async connectBound(
    dn: string,
    password: string,
    controls?: () => Control[],
  ): Promise<{ client: Client; url: string }> {
    const attempts: Array<{ url: string; reason: string }> = [];
    for (const url of this.candidates()) {
      const client = this.newClient(url);
      try {
        await client.bind(dn, password, controls?.());
        this.markUp(url);
        return { client, url };
      } catch (error) {
        await client.unbind().catch(() => undefined);
        if (!isConnectionFailure(error)) throw error;
        this.markDown(url);
        attempts.push({ url, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    throw new DirectoryUnreachableError(attempts);
  }
}
