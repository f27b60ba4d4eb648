import type { Secret } from '@ferry/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../config/loopback.js';
import type { Config } from '../config/schema.js';

export const CSRF_HEADER = 'x-csrf-token';

/** Which sessions a cookie pair carries: the Admin center's or My Account's. */
export type CookieKind = 'admin' | 'user';

/** A session cookie and its readable CSRF twin (admin and My Account have their own pair). */
export interface CookieNames {
  readonly session: string;
  readonly csrf: string;
}

const BASE_NAMES: Record<CookieKind, CookieNames> = {
  admin: { session: 'ferry_session', csrf: 'ferry_csrf' },
  user: { session: 'ferry_user', csrf: 'ferry_user_csrf' },
};

export type CookieConfig = Pick<Config, 'host' | 'tlsCertFile' | 'publicUrl'>;

/**
 * Cookies are hardened (Secure, and the `__Host-` prefix: no Domain, path `/`, so a sibling
 * host or a plain-http page cannot plant or shadow them, ASVS 3.4.1/3.4.4) whenever a browser
 * can reach the cloud from another machine: a listener that is not loopback, TLS on the
 * listener, or an https public URL (a proxy in front). Only a loopback listener on plain http
 * (a developer's machine, the demo) keeps the bare names, which a browser would refuse to
 * store with the prefix over http.
 */
export function cookiesHardened(config: CookieConfig): boolean {
  return (
    !isLoopbackHost(config.host) ||
    config.tlsCertFile !== undefined ||
    (config.publicUrl?.startsWith('https:') ?? false)
  );
}

export function cookieNames(config: CookieConfig, kind: CookieKind): CookieNames {
  const base = BASE_NAMES[kind];
  if (!cookiesHardened(config)) return base;
  return { session: `__Host-${base.session}`, csrf: `__Host-${base.csrf}` };
}

/**
 * The session id goes in an HttpOnly cookie; the CSRF token in a readable cookie that the SPA
 * echoes in the x-csrf-token header (double submit, checked against the session's hash).
 */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { sessionId: Secret; csrfToken: Secret; expiresAt: Date },
  config: CookieConfig,
  kind: CookieKind,
): void {
  const names = cookieNames(config, kind);
  const common = {
    path: '/',
    sameSite: 'strict',
    secure: cookiesHardened(config) || request.protocol === 'https',
    expires: session.expiresAt,
  } as const;
  reply.setCookie(names.session, session.sessionId.reveal(), { ...common, httpOnly: true });
  reply.setCookie(names.csrf, session.csrfToken.reveal(), { ...common, httpOnly: false });
}

export function clearSessionCookies(
  reply: FastifyReply,
  config: CookieConfig,
  kind: CookieKind,
): void {
  const names = cookieNames(config, kind);
  const secure = cookiesHardened(config);
  reply.clearCookie(names.session, { path: '/', secure });
  reply.clearCookie(names.csrf, { path: '/', secure });
}

/** The session cookie's value on this request, if any. */
export function sessionCookieValue(
  request: FastifyRequest,
  config: CookieConfig,
  kind: CookieKind,
): string | undefined {
  return request.cookies[cookieNames(config, kind).session];
}
