import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access line per request, written once the answer is out. Fastify's default also
 * writes a line when the request arrives: each line is a write on the request's path.
 * Bodies and headers are never logged. URLs carry no secrets in this API, but OpenID Connect
 * requests may (a logout's `id_token_hint` is an ID token): under `/oidc/` only the path is
 * logged.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: loggedUrl(request),
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** The provider's requests: the path as the client sent it (mount included), no query. */
function loggedUrl(request: FastifyRequest): string {
  if (!request.routeOptions.url?.startsWith('/oidc/')) return request.url;
  const original = (request.raw as { originalUrl?: string }).originalUrl ?? request.url;
  return original.split('?')[0] ?? original;
}
