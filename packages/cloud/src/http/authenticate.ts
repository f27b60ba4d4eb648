import { Secret } from '@ferry/protocol';
import type { FastifyRequest } from 'fastify';
import type { SessionRecord } from '../auth/sessions.js';
import { rolesOf } from '../directory/roles.js';
import { hasRight, type Right } from '../directory/rights.js';
import { findUser } from '../directory/users.js';
import { FerryError } from '../util/ferry-error.js';
import { CSRF_HEADER, sessionCookieValue } from './cookies.js';
import type { AdminContext } from './request-context.js';
import type { Services } from './services.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * An onRequest hook that admits a signed-in admin holding `right`. It runs before body
 * validation, so an anonymous caller learns nothing about the route's input rules. Roles are
 * read on every request: a revoked role takes effect at once.
 */
export function requireAdmin(services: Services, right: Right) {
  return async (request: FastifyRequest): Promise<void> => {
    const found = await authenticate(services, request);
    if (!found) throw new FerryError('unauthenticated', 'no valid admin session');
    request.admin = found.admin;
    if (!safeMethods.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (
        typeof header !== 'string' ||
        !services.sessions.csrfMatches(found.session, Secret.of(header))
      ) {
        throw new FerryError('csrf_failed', 'missing or wrong x-csrf-token header');
      }
    }
    if (!hasRight(found.admin.roles, right)) {
      throw new FerryError('forbidden', `role lacks ${right}`);
    }
  };
}

export function sessionCookie(services: Services, request: FastifyRequest): Secret | undefined {
  const value = sessionCookieValue(request, services.config, 'admin');
  return value ? Secret.of(value) : undefined;
}

export async function authenticate(
  services: Services,
  request: FastifyRequest,
): Promise<{ admin: AdminContext; session: SessionRecord } | undefined> {
  const cookie = sessionCookie(services, request);
  if (!cookie) return undefined;
  const session = await services.sessions.resolve(cookie);
  if (!session) return undefined;
  const user = await findUser(services.db, session.tenantId, session.userId);
  if (!user || user.enabled !== 1) return undefined;
  const roles = await rolesOf(services.db, session.tenantId, session.userId);
  if (roles.length === 0) return undefined;
  return { admin: { tenantId: session.tenantId, userId: user.id, upn: user.upn, roles }, session };
}
