import type { Secret } from '@ferry/protocol';
import { sql, type Kysely } from 'kysely';
import { clearGuessCounters } from '../auth/guess-guard.js';
import { hashPassword } from '../crypto/password-hash.js';
import { fromBool } from '../store/connect.js';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

export interface NewCloudUser {
  readonly upn: string;
  readonly displayName: string;
  readonly givenName?: string | null | undefined;
  readonly surname?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly password?: Secret | undefined;
}

export async function findUser(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function getUser(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<UserRow> {
  const row = await findUser(db, tenantId, id);
  if (!row) throw new FerryError('not_found', `no user ${id} in tenant`);
  return row;
}

export async function findUserByUpn(
  db: Kysely<Database>,
  tenantId: string,
  upn: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('upn_lower', '=', upn.toLowerCase())
    .executeTakeFirst();
}

export interface UserListOptions {
  readonly search?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

/** Users ordered by UPN; `after` is the last UPN of the previous page. */
export async function listUsers(
  db: Kysely<Database>,
  tenantId: string,
  options: UserListOptions,
): Promise<{ users: UserRow[]; nextCursor: string | null }> {
  const rows = await userListQuery(db, tenantId, options).execute();
  const users = rows.slice(0, options.limit);
  const last = users.at(-1);
  return { users, nextCursor: rows.length > options.limit && last ? last.upn_lower : null };
}

/**
 * The list query (one row more than a page, to know whether another follows). Paging is by
 * keyset on (tenant_id, upn_lower), so a page deep in a million users costs what the first does.
 * The search is a substring of the UPN or the display name; on PostgreSQL the trigram indexes
 * of migration 0008 serve it (a query-plan test keeps them in use).
 */
export function userListQuery(db: Kysely<Database>, tenantId: string, options: UserListOptions) {
  let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
  if (options.search) {
    const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // An explicit ESCAPE: SQLite has no default escape character, PostgreSQL's is backslash.
    query = query.where(
      sql<boolean>`(upn_lower like ${pattern} escape '\\' or lower(display_name) like ${pattern} escape '\\')`,
    );
  }
  if (options.after) query = query.where('upn_lower', '>', options.after.toLowerCase());
  return query.orderBy('upn_lower').limit(options.limit + 1);
}

export async function createCloudUser(
  db: Kysely<Database>,
  clock: Clock,
  random: Random,
  tenantId: string,
  input: NewCloudUser,
): Promise<UserRow> {
  if (await findUserByUpn(db, tenantId, input.upn)) {
    throw new FerryError('conflict', 'a user with this UPN exists');
  }
  const now = clock.now().toISOString();
  const row: UserRow = {
    id: random.uuid(),
    tenant_id: tenantId,
    source: 'cloud',
    sync_run_id: null,
    upn: input.upn,
    upn_lower: input.upn.toLowerCase(),
    display_name: input.displayName,
    given_name: input.givenName ?? null,
    family_name: input.surname ?? null,
    email: input.email ?? null,
    password_hash: input.password ? await hashPassword(input.password) : null,
    source_anchor: null,
    on_prem_dn: null,
    sam_account_name: null,
    enabled: 1,
    locked_out: 0,
    password_last_set_at: input.password ? now : null,
    synced_at: null,
    sync_agent_id: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('users').values(row).execute();
  return row;
}

export interface UserChanges {
  readonly displayName?: string | undefined;
  readonly givenName?: string | null | undefined;
  readonly surname?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly enabled?: boolean | undefined;
}

/** Synced users are mastered on-premises: the cloud refuses to edit them. */
export async function updateCloudUser(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  id: string,
  changes: UserChanges,
): Promise<UserRow> {
  const row = await getUser(db, tenantId, id);
  assertCloudUser(row);
  await db
    .updateTable('users')
    .set({
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.givenName !== undefined ? { given_name: changes.givenName } : {}),
      ...(changes.surname !== undefined ? { family_name: changes.surname } : {}),
      ...(changes.email !== undefined ? { email: changes.email } : {}),
      ...(changes.enabled !== undefined ? { enabled: fromBool(changes.enabled) } : {}),
      updated_at: clock.now().toISOString(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  return getUser(db, tenantId, id);
}

export async function deleteCloudUser(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<UserRow> {
  const row = await getUser(db, tenantId, id);
  assertCloudUser(row);
  await db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return row;
}

/**
 * Sets a cloud-only user's password and clears any sign-in lock. `mustChange` (an admin's
 * temporary password) leaves no set date: the password then only opens the change screen
 * (`auth/cloud-password.ts`), and every session opened before ends.
 */
export async function setCloudPassword(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  id: string,
  password: Secret,
  options: { readonly mustChange?: boolean } = {},
): Promise<UserRow> {
  const row = await getUser(db, tenantId, id);
  assertCloudUser(row);
  const now = clock.now().toISOString();
  await db
    .updateTable('users')
    .set({
      password_hash: await hashPassword(password),
      password_last_set_at: options.mustChange ? null : now,
      locked_out: 0,
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  // A password set by an admin (or by its owner) clears every guess counter (ADR 0014).
  await clearGuessCounters(db, tenantId, id);
  // A reset ends the user's admin sessions: whoever held the old password is signed out.
  await db
    .deleteFrom('admin_sessions')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', id)
    .execute();
  return getUser(db, tenantId, id);
}

/** Clears the cloud sign-in lock of a cloud-only user: every guess counter of it (ADR 0014). */
export async function unlockCloudUser(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  id: string,
): Promise<UserRow> {
  const row = await getUser(db, tenantId, id);
  assertCloudUser(row);
  await db
    .updateTable('users')
    .set({
      locked_out: 0,
      updated_at: clock.now().toISOString(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  await clearGuessCounters(db, tenantId, id);
  return getUser(db, tenantId, id);
}

function assertCloudUser(row: UserRow): void {
  if (row.source !== 'cloud') {
    throw new FerryError('user_is_synced', 'synced users are changed in the on-premises directory');
  }
}
