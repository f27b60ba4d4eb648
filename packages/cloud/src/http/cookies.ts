import type { Secret } from '@ferry/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'ferry_session';
export const CSRF_COOKIE = 'ferry_csrf';
export const CSRF_HEADER = 'x-csrf-token';

function secure(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return request.protocol === 'https' || (publicUrl?.startsWith('https:') ?? false);
}

/**
 * The session id goes in an HttpOnly cookie; the CSRF token in a readable cookie that the SPA
 * echoes in the x-csrf-token header (double submit, checked against the session's hash).
 */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { sessionId: Secret; csrfToken: Secret; expiresAt: Date },
  publicUrl: string | undefined,
): void {
  const common = {
    path: '/',
    sameSite: 'strict',
    secure: secure(request, publicUrl),
    expires: session.expiresAt,
  } as const;
  reply.setCookie(SESSION_COOKIE, session.sessionId.reveal(), { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken.reveal(), { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
