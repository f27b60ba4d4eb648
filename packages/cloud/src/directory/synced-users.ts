import type { Kysely } from 'kysely';
import { fromBool } from '../store/connect.js';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

/** A user as the agent's directory import reports it (issue 5 applies these in batches). */
export interface SyncedUserInput {
  readonly sourceAnchor: string;
  readonly upn: string;
  readonly displayName: string;
  readonly givenName?: string | null;
  readonly surname?: string | null;
  readonly email?: string | null;
  readonly distinguishedName: string;
  readonly samAccountName?: string | null;
  readonly enabled: boolean;
  readonly lockedOut: boolean;
  readonly passwordLastSetAt?: string | null;
  readonly agentId?: string | null;
  /** The sync run writing it (a full run later removes users it did not write). */
  readonly runId?: string | null;
}

/** Inserts or updates the synced user with this source anchor; works inside a transaction. */
export async function upsertSyncedUser(
  db: Kysely<Database>,
  clock: Clock,
  random: Random,
  tenantId: string,
  input: SyncedUserInput,
): Promise<UserRow> {
  const now = clock.now().toISOString();
  const fields = {
    upn: input.upn,
    upn_lower: input.upn.toLowerCase(),
    display_name: input.displayName,
    given_name: input.givenName ?? null,
    family_name: input.surname ?? null,
    email: input.email ?? null,
    on_prem_dn: input.distinguishedName,
    sam_account_name: input.samAccountName ?? null,
    enabled: fromBool(input.enabled),
    locked_out: fromBool(input.lockedOut),
    password_last_set_at: input.passwordLastSetAt ?? null,
    synced_at: now,
    sync_agent_id: input.agentId ?? null,
    sync_run_id: input.runId ?? null,
    updated_at: now,
  };
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('source_anchor', '=', input.sourceAnchor)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('users')
      .set(fields)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', existing.id)
      .execute();
  } else {
    await db
      .insertInto('users')
      .values({
        ...fields,
        id: random.uuid(),
        tenant_id: tenantId,
        source: 'synced',
        source_anchor: input.sourceAnchor,
        password_hash: null,
        created_at: now,
      })
      .execute();
  }
  return db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('source_anchor', '=', input.sourceAnchor)
    .executeTakeFirstOrThrow();
}
