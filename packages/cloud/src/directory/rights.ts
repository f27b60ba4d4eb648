import type { AdminRole } from '../store/tables.js';

/**
 * What each admin role may do. A global admin may do everything. A helpdesk (password)
 * admin reads the directory and settings, and resets passwords, unlocks and edits
 * verification methods of users who hold no admin role — as Entra's Helpdesk admin.
 */
export type Right =
  | 'directory.read'
  | 'users.write'
  | 'users.credentials'
  | 'groups.write'
  | 'roles.write'
  | 'settings.read'
  | 'settings.write'
  | 'audit.read'
  | 'agents.read'
  | 'agents.manage';

const rightsOf: Record<AdminRole, ReadonlySet<Right>> = {
  global_admin: new Set<Right>([
    'directory.read',
    'users.write',
    'users.credentials',
    'groups.write',
    'roles.write',
    'settings.read',
    'settings.write',
    'audit.read',
    'agents.read',
    'agents.manage',
  ]),
  helpdesk_admin: new Set<Right>([
    'directory.read',
    'users.credentials',
    'settings.read',
    'agents.read',
  ]),
};

export function hasRight(roles: readonly AdminRole[], right: Right): boolean {
  return roles.some((role) => rightsOf[role].has(right));
}

/** Whether an admin with `actorRoles` may act on credentials of a user with `targetRoles`. */
export function mayManageCredentialsOf(
  actorRoles: readonly AdminRole[],
  targetRoles: readonly AdminRole[],
): boolean {
  if (actorRoles.includes('global_admin')) return true;
  return hasRight(actorRoles, 'users.credentials') && targetRoles.length === 0;
}
