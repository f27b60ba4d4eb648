import type { SyncBatch, SyncCursor, SyncedUser } from '@ferry/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { upsertSyncedUser } from '../directory/synced-users.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { cursorOf, sameCursor, syncState } from './sync-state.js';
import { softMatch } from './soft-match.js';
import { SyncedGroups } from './synced-groups.js';

export type BatchVerdict =
  | { readonly applied: true; readonly cursor: SyncCursor | null }
  /** The agent read from another cursor than the cloud holds: it must read again from this one. */
  | {
      readonly applied: false;
      readonly code: 'cursor_mismatch';
      readonly cursor: SyncCursor | null;
    }
  /** Only the lease holder may sync. */
  | { readonly applied: false; readonly code: 'not_leader'; readonly cursor: SyncCursor | null }
  /** The run would delete more users than the threshold: nothing deleted, an admin decides. */
  | {
      readonly applied: false;
      readonly code: 'delete_threshold';
      readonly cursor: SyncCursor | null;
      readonly pending: number;
    };

/**
 * Applies one batch of a sync run in one transaction. Upserts match users by source anchor,
 * or soft-match a cloud-only user with the same UPN (`soft-match.ts`; one holding an admin
 * role is never matched: the user is skipped, counted as blocked on the run and audited). Deletes, and for a
 * full run the synced users it did not see, are applied with the final batch — unless they
 * pass the tenant's threshold, when the run waits for an admin and the cursor stays put.
 */
export async function applyBatch(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
  batch: SyncBatch,
  clock: Clock,
  random: Random,
  audit: AuditLog,
): Promise<BatchVerdict> {
  return db.transaction().execute(async (trx) => {
    const state = await syncState(trx, tenantId, clock);
    const cursor = cursorOf(state);
    if (state.leader_agent_id !== agentId) return { applied: false, code: 'not_leader', cursor };
    if (batch.mode === 'delta' && !sameCursor(cursor, batch.fromCursor)) {
      return { applied: false, code: 'cursor_mismatch', cursor };
    }
    const now = clock.now().toISOString();
    const quiet =
      batch.mode === 'delta' &&
      batch.final &&
      batch.sequence === 0 &&
      batch.upserts.length === 0 &&
      batch.deletes.length === 0 &&
      batch.refreshedGroups.length === 0;
    if (quiet) {
      // A poll that found nothing: move the cursor, keep the run list for real work.
      await trx
        .updateTable('sync_state')
        .set({ cursor_json: JSON.stringify(batch.toCursor), updated_at: now })
        .where('tenant_id', '=', tenantId)
        .execute();
      return { applied: true, cursor: batch.toCursor };
    }
    await trx
      .insertInto('sync_runs')
      .values({
        id: batch.runId,
        tenant_id: tenantId,
        agent_id: agentId,
        mode: batch.mode,
        status: 'running',
        from_cursor_json: batch.fromCursor ? JSON.stringify(batch.fromCursor) : null,
        to_cursor_json: JSON.stringify(batch.toCursor),
        batches: 0,
        added: 0,
        updated: 0,
        deleted: 0,
        soft_matched: 0,
        soft_match_blocked: 0,
        pending_deletes: 0,
        started_at: now,
        finished_at: null,
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
    if (batch.sequence === 0) {
      // A run starts: one the tenant left running (its agent died, or it lost the lease)
      // will never finish; its users are read again by this run.
      await trx
        .updateTable('sync_runs')
        .set({ status: 'interrupted', finished_at: now })
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'running')
        .where('id', '!=', batch.runId)
        .execute();
    }
    const counts: UpsertCounts = { added: 0, updated: 0, softMatched: 0, softMatchBlocked: 0 };
    const groups = new SyncedGroups(trx, tenantId, clock, random);
    const context = { trx, tenantId, agentId, runId: batch.runId, clock, random, audit };
    for (const user of batch.upserts) {
      const userId = await upsert(context, user, counts);
      if (userId) await groups.setMemberships(userId, user.groups);
    }
    await trx
      .updateTable('sync_runs')
      .set((eb) => ({
        batches: eb('batches', '+', 1),
        added: eb('added', '+', counts.added),
        updated: eb('updated', '+', counts.updated),
        soft_matched: eb('soft_matched', '+', counts.softMatched),
        soft_match_blocked: eb('soft_match_blocked', '+', counts.softMatchBlocked),
      }))
      .where('id', '=', batch.runId)
      .execute();
    if (!batch.final) return { applied: true, cursor };

    const leaving = await usersToDelete(trx, tenantId, batch);
    const allowed = Math.max(state.delete_threshold, state.confirmed_deletes ?? 0);
    if (leaving.length > allowed) {
      await trx
        .updateTable('sync_runs')
        .set({ status: 'awaiting_confirmation', pending_deletes: leaving.length })
        .where('id', '=', batch.runId)
        .execute();
      return { applied: false, code: 'delete_threshold', cursor, pending: leaving.length };
    }
    await removeUsers(trx, tenantId, leaving);
    await groups.dropUnrefreshedMembers(batch.runId, batch.refreshedGroups);
    await trx
      .updateTable('sync_runs')
      .set({
        status: 'done',
        deleted: leaving.length,
        pending_deletes: 0,
        finished_at: clock.now().toISOString(),
      })
      .where('id', '=', batch.runId)
      .execute();
    await trx
      .updateTable('sync_state')
      .set({
        cursor_json: JSON.stringify(batch.toCursor),
        confirmed_deletes: null,
        updated_at: now,
      })
      .where('tenant_id', '=', tenantId)
      .execute();
    return { applied: true, cursor: batch.toCursor };
  });
}

/** A UPN for users AD gave none: sAMAccountName at the DNS domain of their DN. */
export function upnOf(user: SyncedUser): string {
  if (user.userPrincipalName) return user.userPrincipalName;
  const domain = user.onPremDn
    .split(',')
    .filter((part) => /^dc=/i.test(part.trim()))
    .map((part) => part.trim().slice(3))
    .join('.');
  return `${user.sAMAccountName}@${domain || 'directory'}`;
}

interface UpsertCounts {
  added: number;
  updated: number;
  softMatched: number;
  softMatchBlocked: number;
}

interface UpsertContext {
  readonly trx: Transaction<Database>;
  readonly tenantId: string;
  readonly agentId: string;
  readonly runId: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly audit: AuditLog;
}

/** The user's cloud id, or null when a blocked soft match leaves it out of this run. */
async function upsert(
  context: UpsertContext,
  user: SyncedUser,
  counts: UpsertCounts,
): Promise<string | null> {
  const { trx, tenantId, agentId, runId, clock, random } = context;
  const anchor = user.sourceAnchor.toLowerCase();
  const upn = upnOf(user);
  const known = await trx
    .selectFrom('users')
    .select(['id'])
    .where('tenant_id', '=', tenantId)
    .where('source_anchor', '=', anchor)
    .executeTakeFirst();
  if (!known) {
    const match = await softMatch(trx, context.audit, {
      tenantId,
      runId,
      agentId,
      sourceAnchor: anchor,
      upn,
    });
    if (match === 'blocked') {
      counts.softMatchBlocked += 1;
      return null;
    }
    if (match === 'matched') counts.softMatched += 1;
  }
  const row = await upsertSyncedUser(trx, clock, random, tenantId, {
    sourceAnchor: anchor,
    upn,
    displayName: user.displayName ?? user.sAMAccountName,
    givenName: user.givenName,
    surname: user.sn,
    email: user.mail,
    distinguishedName: user.onPremDn,
    samAccountName: user.sAMAccountName,
    enabled: user.enabled,
    lockedOut: user.lockedOut,
    passwordLastSetAt: user.passwordLastSet,
    agentId,
    runId,
  });
  if (known) counts.updated += 1;
  else counts.added += 1;
  return row.id;
}

/** The deletes the batch names, plus, after a full run, synced users the run did not see. */
async function usersToDelete(
  trx: Transaction<Database>,
  tenantId: string,
  batch: SyncBatch,
): Promise<string[]> {
  const ids = new Set<string>();
  if (batch.deletes.length > 0) {
    const named = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('source', '=', 'synced')
      .where(
        'source_anchor',
        'in',
        batch.deletes.map((anchor) => anchor.toLowerCase()),
      )
      .execute();
    for (const row of named) ids.add(row.id);
  }
  if (batch.mode === 'full') {
    const unseen = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('source', '=', 'synced')
      .where((eb) => eb.or([eb('sync_run_id', 'is', null), eb('sync_run_id', '!=', batch.runId)]))
      .execute();
    for (const row of unseen) ids.add(row.id);
  }
  return [...ids];
}

async function removeUsers(
  trx: Transaction<Database>,
  tenantId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  for (const table of [
    'group_members',
    'role_assignments',
    'verification_methods',
    'admin_sessions',
    // user_sessions and pending registrations follow by foreign key (ON DELETE CASCADE).
    'totp_steps',
  ] as const) {
    await trx
      .deleteFrom(table)
      .where('tenant_id', '=', tenantId)
      .where('user_id', 'in', [...ids])
      .execute();
  }
  await trx
    .deleteFrom('users')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', [...ids])
    .execute();
}
