import type { FastifyInstance } from 'fastify';
import type { CloudMetrics } from '../metrics/cloud-metrics.js';

/** Counts every HTTP request by route template, and every refusal by its registry code. */
export function installHttpMetrics(app: FastifyInstance, metrics: CloudMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route template, never the raw URL: ids would explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (request.errorCode) metrics.refusals.inc({ code: request.errorCode });
  });
}
