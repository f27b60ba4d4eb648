import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import { toAuditEvent, type AuditEvent } from './audit-log.js';

export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly targetId?: string | undefined;
  readonly result?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Return events older than this sequence number (the previous page's `nextCursor`). */
  readonly before?: number | undefined;
  readonly limit: number;
}

export interface AuditPage {
  readonly events: AuditEvent[];
  readonly nextCursor: number | null;
}

/** Newest first, keyset-paged on the insertion sequence so new events never shift pages. */
export async function queryAudit(
  db: Kysely<Database>,
  tenantId: string,
  filter: AuditFilter,
): Promise<AuditPage> {
  let query = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.result) query = query.where('result', '=', filter.result);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const events = rows.slice(0, filter.limit).map(toAuditEvent);
  const last = events.at(-1);
  return { events, nextCursor: rows.length > filter.limit && last ? last.seq : null };
}
