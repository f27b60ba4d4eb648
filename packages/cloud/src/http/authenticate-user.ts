import { Secret } from '@ferry/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUser } from '../directory/users.js';
import type { UserSessionRecord } from '../me/user-sessions.js';
import type { UserRow } from '../store/tables.js';
import { FerryError } from '../util/ferry-error.js';
import {
  clearSessionCookies,
  CSRF_HEADER,
  sessionCookieValue,
  setSessionCookies,
  type CookieConfig,
} from './cookies.js';
import type { Services } from './services.js';

export interface SignedInUser {
  readonly user: UserRow;
  readonly session: UserSessionRecord;
  readonly sessionId: Secret;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const signedIn = new WeakMap<FastifyRequest, SignedInUser>();

/**
 * An onRequest hook that admits a signed-in end user (cookie `ferry_user`, `__Host-ferry_user` when hardened), and on unsafe
 * methods also checks the `x-csrf-token` header against the session. It runs before body
 * validation, so an anonymous caller learns nothing about the route's input rules.
 */
export function requireUser(services: Services) {
  return async (request: FastifyRequest): Promise<void> => {
    const found = await authenticateUser(services, request);
    if (!found) throw new FerryError('unauthenticated', 'no valid My Account session');
    if (!safeMethods.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (
        typeof header !== 'string' ||
        !services.userSessions.csrfMatches(found.session, Secret.of(header))
      ) {
        throw new FerryError('csrf_failed', 'missing or wrong x-csrf-token header');
      }
    }
    signedIn.set(request, found);
    await services.userSessions.touch(found.sessionId);
  };
}

/** The user `requireUser` admitted; only for routes that use that hook. */
export function currentUser(request: FastifyRequest): SignedInUser {
  const found = signedIn.get(request);
  if (!found) throw new FerryError('unauthenticated', 'route without requireUser');
  return found;
}

export async function authenticateUser(
  services: Services,
  request: FastifyRequest,
): Promise<SignedInUser | undefined> {
  const value = sessionCookieValue(request, services.config, 'user');
  if (!value) return undefined;
  const sessionId = Secret.of(value);
  const session = await services.userSessions.resolve(sessionId);
  if (!session) return undefined;
  const user = await findUser(services.db, session.tenantId, session.userId);
  if (!user || user.enabled !== 1) return undefined;
  // A password set after sign-in (an admin reset, a reset, a change made elsewhere, AD's
  // value brought by sync) ends the sessions opened with the old one; so does "must change at
  // next logon" (no date: an admin's recovery reset must end an intruder's session too).
  if (!user.password_last_set_at || session.createdAt < user.password_last_set_at) return undefined;
  return { user, session, sessionId };
}

export function setUserSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { sessionId: Secret; csrfToken: Secret; expiresAt: Date },
  config: CookieConfig,
): void {
  setSessionCookies(request, reply, session, config, 'user');
}

export function clearUserSessionCookies(reply: FastifyReply, config: CookieConfig): void {
  clearSessionCookies(reply, config, 'user');
}
