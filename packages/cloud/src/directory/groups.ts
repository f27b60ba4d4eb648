import type { Kysely } from 'kysely';
import type { Database, GroupRow } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';
import { getUser } from './users.js';

export interface GroupView {
  id: string;
  name: string;
  description: string | null;
  source: 'cloud' | 'synced';
  createdAt: string;
}

export function toGroupView(row: GroupRow): GroupView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    source: row.source,
    createdAt: row.created_at,
  };
}

export async function getGroup(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<GroupRow> {
  const row = await db
    .selectFrom('groups')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new FerryError('not_found', `no group ${id} in tenant`);
  return row;
}

export async function listGroups(db: Kysely<Database>, tenantId: string): Promise<GroupRow[]> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('name_lower')
    .execute();
}

export async function createCloudGroup(
  db: Kysely<Database>,
  clock: Clock,
  random: Random,
  tenantId: string,
  input: { name: string; description?: string | null | undefined },
): Promise<GroupRow> {
  const exists = await db
    .selectFrom('groups')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('name_lower', '=', input.name.toLowerCase())
    .executeTakeFirst();
  if (exists) throw new FerryError('conflict', 'a group with this name exists');
  const row: GroupRow = {
    id: random.uuid(),
    tenant_id: tenantId,
    name: input.name,
    name_lower: input.name.toLowerCase(),
    description: input.description ?? null,
    source: 'cloud',
    source_anchor: null,
    created_at: clock.now().toISOString(),
  };
  await db.insertInto('groups').values(row).execute();
  return row;
}

export async function deleteCloudGroup(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<GroupRow> {
  const row = await getGroup(db, tenantId, id);
  if (row.source !== 'cloud') {
    throw new FerryError('conflict', 'synced groups are deleted in the on-premises directory');
  }
  await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return row;
}

export async function listMembers(
  db: Kysely<Database>,
  tenantId: string,
  groupId: string,
): Promise<Array<{ id: string; upn: string; displayName: string }>> {
  await getGroup(db, tenantId, groupId);
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select(['users.id', 'users.upn', 'users.display_name'])
    .where('group_members.tenant_id', '=', tenantId)
    .where('group_members.group_id', '=', groupId)
    .orderBy('users.upn_lower')
    .execute();
  return rows.map((row) => ({ id: row.id, upn: row.upn, displayName: row.display_name }));
}

/** Adds a member; adding an existing member is a no-op (PUT semantics). */
export async function addMember(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  groupId: string,
  userId: string,
): Promise<void> {
  assertCloudManaged(await getGroup(db, tenantId, groupId));
  await getUser(db, tenantId, userId);
  if (await isMember(db, tenantId, groupId, userId)) return;
  await db
    .insertInto('group_members')
    .values({
      tenant_id: tenantId,
      group_id: groupId,
      user_id: userId,
      added_at: clock.now().toISOString(),
    })
    .execute();
}

export async function removeMember(
  db: Kysely<Database>,
  tenantId: string,
  groupId: string,
  userId: string,
): Promise<void> {
  assertCloudManaged(await getGroup(db, tenantId, groupId));
  if (!(await isMember(db, tenantId, groupId, userId))) {
    throw new FerryError('not_found', 'the user is not a member');
  }
  await db
    .deleteFrom('group_members')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .execute();
}

export async function isMember(
  db: Kysely<Database>,
  tenantId: string,
  groupId: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A synced group's members follow AD (as in Entra): the cloud does not edit them. */
function assertCloudManaged(group: GroupRow): void {
  if (group.source !== 'cloud') {
    throw new FerryError(
      'conflict',
      'members of a synced group are managed in the on-premises directory',
    );
  }
}
