import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A plain TCP relay to a real server, listening on another address: the DC reached by an
 * address its certificate does not name (as when an admin types the DC's IP address).
 */
export class TcpRelay {
  private constructor(
    readonly server: Server,
    readonly sockets: Set<Socket>,
  ) {}

  static async start(
    listen: { host: string; port: number },
    target: { host: string; port: number },
  ): Promise<TcpRelay> {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, resolve);
    });
    return new TcpRelay(server, sockets);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
