import type { FastifyRequest } from 'fastify';
import { mayManageCredentialsOf } from '../directory/rights.js';
import { rolesOf } from '../directory/roles.js';
import { getUser } from '../directory/users.js';
import type { UserRow } from '../store/tables.js';
import { FerryError } from '../util/ferry-error.js';
import type { Services } from './services.js';

/**
 * Loads the user a credential action targets, names it for the audit row, and refuses when
 * the admin may not act on it (a helpdesk admin on another admin).
 */
export async function credentialTarget(
  services: Services,
  request: FastifyRequest,
  userId: string,
): Promise<UserRow> {
  const admin = request.admin;
  if (!admin) throw new FerryError('unauthenticated', 'no admin on the request');
  const target = await getUser(services.db, admin.tenantId, userId);
  request.auditTarget = { type: 'user', id: target.id, name: target.upn };
  const targetRoles = await rolesOf(services.db, admin.tenantId, target.id);
  if (!mayManageCredentialsOf(admin.roles, targetRoles)) {
    throw new FerryError('forbidden', 'the target holds an admin role');
  }
  return target;
}
