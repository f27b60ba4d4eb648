import { z } from 'zod';
import { FerryError } from '../../util/ferry-error.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const statusSchema = z.object({ status: z.string() });

/**
 * Liveness, readiness and the OpenAPI document. Prometheus metrics are not on this (public)
 * port: they have their own listener (`metricsPort`, ADR 0013).
 */
export function healthRoutes(app: ZodApp, services: Services): void {
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

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
