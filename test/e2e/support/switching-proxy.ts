import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer for tests: one public address in front of several cloud nodes, forwarding
 * every request (Host header kept, as a reverse proxy does) to the node the test picks now,
 * and counting what each node served.
 */
export class SwitchingProxy {
  target: number;
  readonly served = new Map<number, string[]>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    firstTarget: number,
  ) {
    this.target = firstTarget;
  }

  static async start(firstTarget = 0): Promise<SwitchingProxy> {
    const holder: { proxy?: SwitchingProxy } = {};
    const server = createServer((incoming, outgoing) => {
      const proxy = holder.proxy!;
      const port = proxy.target;
      const path = incoming.url ?? '/';
      proxy.served.set(port, [
        ...(proxy.served.get(port) ?? []),
        `${incoming.method} ${path.split('?')[0]}`,
      ]);
      const forward = httpRequest(
        { host: '127.0.0.1', port, method: incoming.method, path, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new SwitchingProxy(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      firstTarget,
    );
    holder.proxy = proxy;
    return proxy;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
