import type { SyncCursor } from '@ferry/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import type { SyncStateTable } from './sync-tables.js';

export type SyncState = Selectable<SyncStateTable>;

export const DEFAULT_DELETE_THRESHOLD = 500;

/** The tenant's sync state row, made on first use. */
export async function syncState(
  db: Kysely<Database>,
  tenantId: string,
  clock: Clock,
): Promise<SyncState> {
  await db
    .insertInto('sync_state')
    .values({
      tenant_id: tenantId,
      cursor_json: null,
      delete_threshold: DEFAULT_DELETE_THRESHOLD,
      confirmed_deletes: null,
      leader_agent_id: null,
      lease_expires_at: null,
      updated_at: clock.now().toISOString(),
    })
    .onConflict((conflict) => conflict.column('tenant_id').doNothing())
    .execute();
  return db
    .selectFrom('sync_state')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
}

export function cursorOf(state: Pick<SyncState, 'cursor_json'>): SyncCursor | null {
  return state.cursor_json ? (JSON.parse(state.cursor_json) as SyncCursor) : null;
}

export function sameCursor(a: SyncCursor | null, b: SyncCursor | null): boolean {
  if (!a || !b) return a === b;
  return a.invocationId.toLowerCase() === b.invocationId.toLowerCase() && a.usn === b.usn;
}

/**
 * One agent syncs a tenant at a time. The lease is granted when free, expired, or already
 * this agent's, by one conditional update, so two agents (on any nodes) never both win.
 */
export async function takeSyncLease(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  clock: Clock,
  leaseMs: number,
): Promise<{ granted: boolean; cursor: SyncCursor | null }> {
  await syncState(db, tenantId, clock);
  const now = clock.now();
  const result = await db
    .updateTable('sync_state')
    .set({
      leader_agent_id: agentId,
      lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
      updated_at: now.toISOString(),
    })
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('leader_agent_id', 'is', null),
        eb('leader_agent_id', '=', agentId),
        eb('lease_expires_at', '<', now.toISOString()),
      ]),
    )
    .executeTakeFirst();
  const state = await syncState(db, tenantId, clock);
  return { granted: Number(result.numUpdatedRows) === 1, cursor: cursorOf(state) };
}

/** How many synced users the tenant holds (the expected size of a full run). */
export async function countSyncedUsers(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('source', '=', 'synced')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
