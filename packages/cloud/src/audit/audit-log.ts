import type { Kysely } from 'kysely';
import type { AuditEventRow, Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

export type ActorType = 'admin' | 'user' | 'agent' | 'system' | 'anonymous';

/** Scalar facts only: the type keeps objects (and so Secrets) out of audit rows. */
export type AuditDetail = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEventInput {
  readonly tenantId: string;
  readonly actor: { type: ActorType; id?: string | null; name?: string | null };
  /** Dotted verb, e.g. `user.create`, `admin.sign_in`, `sspr.reset`. */
  readonly action: string;
  readonly target?: { type: string; id?: string | null; name?: string | null } | undefined;
  /** `success` or a registry code. */
  readonly result: string;
  readonly sourceIp?: string | null | undefined;
  readonly requestId?: string | null | undefined;
  readonly detail?: AuditDetail | undefined;
}

export interface AuditEvent {
  readonly id: string;
  readonly seq: number;
  readonly at: string;
  readonly actor: { type: string; id: string | null; name: string | null };
  readonly action: string;
  readonly target: { type: string; id: string | null; name: string | null } | null;
  readonly result: string;
  readonly sourceIp: string | null;
  readonly requestId: string | null;
  readonly detail: AuditDetail | null;
}

/** The append-only event log; every subsystem records through this one service. */
export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async record(event: AuditEventInput, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .insertInto('audit_events')
      .values({
        id: this.random.uuid(),
        tenant_id: event.tenantId,
        at: this.clock.now().toISOString(),
        actor_type: event.actor.type,
        actor_id: event.actor.id ?? null,
        actor_name: event.actor.name ?? null,
        action: event.action,
        target_type: event.target?.type ?? null,
        target_id: event.target?.id ?? null,
        target_name: event.target?.name ?? null,
        result: event.result,
        source_ip: event.sourceIp ?? null,
        request_id: event.requestId ?? null,
        detail_json: event.detail ? JSON.stringify(event.detail) : null,
      })
      .execute();
  }
}

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    at: row.at,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: row.target_type
      ? { type: row.target_type, id: row.target_id, name: row.target_name }
      : null,
    result: row.result,
    sourceIp: row.source_ip,
    requestId: row.request_id,
    detail: row.detail_json ? (JSON.parse(row.detail_json) as AuditDetail) : null,
  };
}
