import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the lab DC that can lose a request's answer: once armed, the next
 * bytes a client sends on an open connection reach the DC, then the client's side is cut
 * before any reply (a write sent, its result never heard). `refuseNew` makes it refuse every
 * connection after that (the DC gone for this agent).
 */
export class CuttingProxy {
  readonly #server: Server;
  readonly #upstreamPort: number;
  readonly #sockets = new Set<Socket>();
  #armed = false;
  refuseNew = false;
  cuts = 0;

  private constructor(server: Server, upstreamPort: number) {
    this.#server = server;
    this.#upstreamPort = upstreamPort;
  }

  static async start(upstreamPort: number): Promise<CuttingProxy> {
    const server = createServer();
    const proxy = new CuttingProxy(server, upstreamPort);
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `ldaps://127.0.0.1:${address.port}`;
  }

  /** The next request on an open connection reaches the DC and its answer is lost. */
  arm(): void {
    this.#armed = true;
  }

  /** Stops listening and drops every connection (a connector's pool may still hold one). */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (this.refuseNew) {
      client.destroy();
      return;
    }
    const upstream = connect(this.#upstreamPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    }
    let established = false;
    let cut = false;
    upstream.on('data', (chunk) => {
      established = true;
      client.write(chunk);
    });
    client.on('data', (chunk) => {
      upstream.write(chunk);
      if (this.#armed && established) {
        this.#armed = false;
        this.cuts += 1;
        cut = true;
        client.destroy();
        // The DC keeps its side long enough to process what it received.
        setTimeout(() => upstream.destroy(), 1_000).unref();
      }
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => {
      if (!cut) upstream.end();
    });
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
  }
}
