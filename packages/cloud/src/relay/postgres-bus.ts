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
    // Checked out, a connection has no pool listener; its query fails by itself (see openStore).
    this.#publisher.on('connect', (client) => client.on('error', () => undefined));
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
    // Until it listens, a failure is the caller's (the promise rejects); after, it is a loss.
    let listening = false;
    const lost = (reason: string): void => {
      if (!listening) return;
      listening = false;
      this.#log.warn({ reason }, 'relay bus: listener connection lost');
      this.#listener = undefined;
      this.#relisten();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end();
      return;
    }
    listening = true;
    this.#listener = client;
  }

  /**
   * Opens the listener again after 500 ms, and again until it is back: a restarting
   * PostgreSQL refuses connections for a while (crash recovery), and a node that gave up
   * after one try would never hear another node again.
   */
  #relisten(): void {
    if (this.#closed) return;
    setTimeout(() => {
      this.#listen().catch((error: Error) => {
        this.#log.warn({ reason: error.message }, 'relay bus: listener not re-opened yet');
        this.#relisten();
      });
    }, 500);
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
