import type { Kysely } from 'kysely';
import type { Account, AccountClaims } from 'oidc-provider';
import { findUser } from '../directory/users.js';
import type { Database, UserRow } from '../store/tables.js';

/**
 * Whether a user may still hold what was issued at `authTime` (epoch seconds): the account
 * exists and is enabled, and its password was not set since (a reset, a change elsewhere, AD's
 * value brought by sync, or "must change at next logon"): as for My Account sessions, a new
 * password ends what the old one opened. Second granularity: the provider's clock unit.
 */
export function stillValid(user: UserRow | undefined, authTime: number | undefined): boolean {
  if (!user || user.enabled !== 1) return false;
  if (authTime === undefined) return true;
  if (!user.password_last_set_at) return false;
  return Math.floor(Date.parse(user.password_last_set_at) / 1000) <= authTime;
}

/** The account the provider sees: `sub` is the user's id, stable for the user's life in the tenant. */
export async function loadAccount(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  authTime: number | undefined,
): Promise<Account | undefined> {
  const user = await findUser(db, tenantId, userId);
  if (!user || !stillValid(user, authTime)) return undefined;
  return {
    accountId: user.id,
    claims: async (_use, scope) => claimsOf(db, user, scope),
  };
}

/**
 * Every claim the user has; the provider keeps those the granted scopes cover. `groups` costs
 * a query, so it is read only when asked for.
 */
async function claimsOf(
  db: Kysely<Database>,
  user: UserRow,
  scope: string,
): Promise<AccountClaims> {
  const scopes = new Set(scope.split(' '));
  return {
    sub: user.id,
    preferred_username: user.upn,
    name: user.display_name,
    ...(user.given_name ? { given_name: user.given_name } : {}),
    ...(user.family_name ? { family_name: user.family_name } : {}),
    ...(user.email ? { email: user.email } : {}),
    ...(scopes.has('groups') ? { groups: await groupNamesOf(db, user) } : {}),
  };
}

/** Names of the user's groups, synced from AD and cloud-only alike, sorted. */
async function groupNamesOf(db: Kysely<Database>, user: UserRow): Promise<string[]> {
  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select('g.name')
    .where('m.tenant_id', '=', user.tenant_id)
    .where('m.user_id', '=', user.id)
    .orderBy('g.name_lower')
    .execute();
  return rows.map((row) => row.name);
}
