import type { Secret } from '@ferry/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'ferry_session';
export const CSRF_COOKIE = 'ferry_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A session cookie and its readable CSRF twin (admin and My Account have their own pair). */
export interface CookieNames {
  readonly session: string;
  readonly csrf: string;
}
export const ADMIN_COOKIES: CookieNames = { session: SESSION_COOKIE, csrf: CSRF_COOKIE };

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
  names: CookieNames = ADMIN_COOKIES,
): void {
  const common = {
    path: '/',
    sameSite: 'strict',
    secure: secure(request, publicUrl),
    expires: session.expiresAt,
  } as const;
  reply.setCookie(names.session, session.sessionId.reveal(), { ...common, httpOnly: true });
  reply.setCookie(names.csrf, session.csrfToken.reveal(), { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, names: CookieNames = ADMIN_COOKIES): void {
  reply.clearCookie(names.session, { path: '/' });
  reply.clearCookie(names.csrf, { path: '/' });
}
