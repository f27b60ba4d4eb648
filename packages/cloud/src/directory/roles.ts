import type { Kysely } from 'kysely';
import type { AdminRole, Database } from '../store/tables.js';

export const adminRoles: readonly AdminRole[] = ['global_admin', 'helpdesk_admin'];

export async function rolesOf(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<AdminRole[]> {
  const rows = await db
    .selectFrom('role_assignments')
    .select('role')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('role')
    .execute();
  return rows.map((row) => row.role);
}

/** The roles of a page of users in one query (a list must not ask once per user). */
export async function rolesOfUsers(
  db: Kysely<Database>,
  tenantId: string,
  userIds: readonly string[],
): Promise<Map<string, AdminRole[]>> {
  const roles = new Map<string, AdminRole[]>();
  if (userIds.length === 0) return roles;
  const rows = await db
    .selectFrom('role_assignments')
    .select(['user_id', 'role'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', 'in', userIds)
    .orderBy('role')
    .execute();
  for (const row of rows) roles.set(row.user_id, [...(roles.get(row.user_id) ?? []), row.role]);
  return roles;
}

/** Replaces the user's roles with `roles` (in one transaction). */
export async function setRoles(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  roles: readonly AdminRole[],
  at: Date,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('role_assignments')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    for (const role of new Set(roles)) {
      await tx
        .insertInto('role_assignments')
        .values({ tenant_id: tenantId, user_id: userId, role, assigned_at: at.toISOString() })
        .execute();
    }
  });
}

export async function countGlobalAdmins(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('role_assignments')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'global_admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
