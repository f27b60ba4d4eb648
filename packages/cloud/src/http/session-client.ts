import type { FastifyRequest } from 'fastify';
import type { SessionClient } from '../me/user-sessions.js';

/** Where a request comes from, as a new session remembers it for its holder's session list. */
export function sessionClient(request: FastifyRequest): SessionClient {
  const agent = request.headers['user-agent'];
  return { userAgent: typeof agent === 'string' ? agent : undefined, sourceIp: request.ip };
}
