import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One access line per request, written once the answer is out. Fastify's default also
 * writes a line when the request arrives: each line is a write on the request's path.
 * Bodies and headers are never logged; URLs carry no secrets in this API.
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
      url: request.url,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
