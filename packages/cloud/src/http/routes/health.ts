import type { Registry } from 'prom-client';
import { z } from 'zod';
import { FerryError } from '../../util/ferry-error.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const statusSchema = z.object({ status: z.string() });

/** Liveness, readiness, Prometheus metrics and the OpenAPI document. */
export function healthRoutes(app: ZodApp, services: Services, metrics: Registry): void {
  app.get(
    '/healthz',
    { config: { rateLimit: false }, schema: { tags: ['ops'], response: { 200: statusSchema } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { config: { rateLimit: false }, schema: { tags: ['ops'], response: { 200: statusSchema } } },
    async () => {
      if (!(await services.ready()))
        throw new FerryError('not_ready', 'store unreachable or draining');
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    { config: { rateLimit: false }, schema: { hide: true } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  );

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
