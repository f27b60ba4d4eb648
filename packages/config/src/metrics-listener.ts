import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/** What a scrape gets: the Prometheus text of the process's registry. */
export interface MetricsRender {
  (): Promise<{ readonly contentType: string; readonly body: string }>;
}

export interface MetricsListenerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  readonly token?: string | undefined;
  readonly render: MetricsRender;
}

export interface MetricsListener {
  /** http://host:port of the listener, with the port it got. */
  readonly url: string;
  close(): Promise<void>;
}

/** Whether `host` names this machine only (the metrics listener may then go without a token). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The message of a config refusal when a metrics listener would be reachable from other
 * machines without a token; undefined when the settings are acceptable (ADR 0013).
 */
export function metricsExposureProblem(settings: {
  readonly port: number | undefined;
  readonly host: string;
  readonly token: string | undefined;
}): string | undefined {
  if (settings.port === undefined || isLoopbackHost(settings.host) || settings.token) return;
  return `a metrics listener on ${settings.host} (not loopback) needs a metrics token`;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Serves GET /metrics (and nothing else) on its own address, apart from the public port:
 * Prometheus scrapes it from loopback, or from elsewhere with a bearer token.
 */
export async function startMetricsListener(
  options: MetricsListenerOptions,
): Promise<MetricsListener> {
  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`);
  const server = createServer((request, response) => {
    void answer(request, response, options.render, expected);
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  render: MetricsRender,
  expected: Buffer | undefined,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') return send(response, 404, 'not found\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'method not allowed\n');
  }
  if (expected) {
    // Compared as digests: equal lengths, and the time does not tell how much matched.
    const given = digest(request.headers.authorization ?? '');
    if (!timingSafeEqual(given, expected)) {
      response.setHeader('www-authenticate', 'Bearer realm="ferry-metrics"');
      return send(response, 401, 'unauthorized\n');
    }
  }
  try {
    const { contentType, body } = await render();
    response.setHeader('content-type', contentType);
    send(response, 200, request.method === 'HEAD' ? '' : body);
  } catch {
    send(response, 500, 'metrics unavailable\n');
  }
}

function send(response: ServerResponse, status: number, body: string): void {
  response.statusCode = status;
  response.setHeader('cache-control', 'no-store');
  if (!response.hasHeader('content-type')) response.setHeader('content-type', 'text/plain');
  response.end(body);
}
