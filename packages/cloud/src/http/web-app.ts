import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Client-side routes of the SPA: every path under them answers index.html. */
export const spaRoots = ['/sspr', '/myaccount', '/admin', '/signin'] as const;

/** packages/web/dist, from src/http (tsx) as from dist/http (built): both sit three levels down. */
export function defaultWebDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry</title></head>
<body><main><h1>The Ferry web app is not built</h1>
<p>The API is running. Build the web app with <code>npm run build</code> (or set FERRY_WEB_DIR
to the folder that holds its index.html) and restart the cloud.</p></main></body></html>
`;

/**
 * Serves the built web app at `/` with the SPA fallback. Hashed assets are cached for a year,
 * index.html never (a new build is picked up at once). A missing build is not fatal: the API
 * still runs and the portal paths answer a page that says how to build it.
 */
export async function installWebApp(
  app: FastifyInstance,
  webDir: string | undefined,
): Promise<void> {
  const root = path.resolve(webDir ?? defaultWebDir());
  const routes = ['/', ...spaRoots, ...spaRoots.map((prefix) => `${prefix}/*`)];
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ webDir: root }, 'web app not built: portal pages answer 503 until it is');
    for (const url of routes) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) =>
        reply.code(503).type('text/html; charset=utf-8').send(notBuiltPage),
      );
    }
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    wildcard: true,
    // Our own cache-control below, not send's default `max-age=0`.
    cacheControl: false,
    setHeaders: (response, filePath) => {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      response.setHeader(
        'cache-control',
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  for (const url of routes) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html'),
    );
  }
}
