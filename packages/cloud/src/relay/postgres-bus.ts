import type { Logger } from 'pino';
import pg from 'pg';
import { busMessageSchema, type BusMessage, type RelayBus } from './relay-bus.js';

const CHANNEL = 'ferry_relay';

/**
 * LISTEN/NOTIFY on one channel over a dedicated connection. Payloads stay far below
 * PostgreSQL's 8,000-byte limit (a signed operation with its JWE is about 2 KB). A lost
 * listener connection is re-opened; operations in flight then time out rather than hang.
 */
export class PostgresBus implements RelayBus {
  readonly multiNode = true;
  readonly #connectionString: string;
  readonly #log: Logger;
  readonly #handlers = new Set<(message: BusMessage) => void>();
  #listener: pg.Client | undefined;
  #publisher: pg.Pool;
  #closed = false;

  private constructor(connectionString: string, log: Logger) {
    this.#connectionString = connectionString;
    this.#log = log;
    this.#publisher = new pg.Pool({ connectionString, max: 2 });
    this.#publisher.on('error', (error) =>
      log.warn({ reason: error.message }, 'relay bus: an idle publisher connection was dropped'),
    );
  }

  static async open(connectionString: string, log: Logger): Promise<PostgresBus> {
    const bus = new PostgresBus(connectionString, log);
    await bus.#listen();
    return bus;
  }

  async #listen(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#connectionString });
    client.on('notification', (notification) => {
      if (notification.channel !== CHANNEL || !notification.payload) return;
      const parsed = busMessageSchema.safeParse(JSON.parse(notification.payload));
      if (!parsed.success) return;
      for (const handler of this.#handlers) handler(parsed.data);
    });
    client.on('error', (error) => {
      this.#log.warn({ reason: error.message }, 'relay bus: listener connection lost');
      this.#listener = undefined;
      if (!this.#closed) setTimeout(() => void this.#listen().catch(() => undefined), 500);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#listener = client;
  }

  async publish(message: BusMessage): Promise<void> {
    await this.#publisher.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
  }

  subscribe(handler: (message: BusMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    await this.#listener?.end().catch(() => undefined);
    await this.#publisher.end();
  }
}
