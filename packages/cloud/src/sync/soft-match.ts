import type { Transaction } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { rolesOf } from '../directory/roles.js';
import type { Database } from '../store/tables.js';

/** What became of a directory user whose anchor the cloud did not know yet. */
export type SoftMatchResult = 'none' | 'matched' | 'blocked';

export interface SoftMatchRequest {
  readonly tenantId: string;
  readonly runId: string;
  readonly agentId: string;
  readonly sourceAnchor: string;
  readonly upn: string;
}

/**
 * Soft match (as Entra Connect): a cloud-only account with the same UPN becomes this directory
 * user. Whoever can create an AD user in scope could so take over a cloud account, so:
 * - an account that holds an admin role is never matched (as Entra): the run counts it as
 *   blocked, the audit names both sides, and an admin resolves it (removes the roles, or
 *   renames or deletes the cloud account) before a full run matches it;
 * - a matched account starts clean: its sessions end and its cloud-registered methods and
 *   pending registrations and its guess counters go, so nothing the cloud account had reaches the AD user's holder.
 */
export async function softMatch(
  trx: Transaction<Database>,
  audit: AuditLog,
  request: SoftMatchRequest,
): Promise<SoftMatchResult> {
  const twin = await trx
    .selectFrom('users')
    .select(['id', 'upn'])
    .where('tenant_id', '=', request.tenantId)
    .where('source', '=', 'cloud')
    .where('upn_lower', '=', request.upn.toLowerCase())
    .executeTakeFirst();
  if (!twin) return 'none';
  const detail = {
    runId: request.runId,
    agentId: request.agentId,
    sourceAnchor: request.sourceAnchor,
  };
  const roles = await rolesOf(trx, request.tenantId, twin.id);
  if (roles.length > 0) {
    await audit.record(
      {
        tenantId: request.tenantId,
        actor: { type: 'agent', id: request.agentId },
        action: 'sync.soft_match_blocked',
        target: { type: 'user', id: twin.id, name: twin.upn },
        result: 'conflict',
        detail: { ...detail, roles: roles.join(',') },
      },
      trx,
    );
    return 'blocked';
  }
  await trx
    .updateTable('users')
    .set({
      source: 'synced',
      source_anchor: request.sourceAnchor,
      password_hash: null,
    })
    .where('tenant_id', '=', request.tenantId)
    .where('id', '=', twin.id)
    .execute();
  for (const table of [
    'user_sessions',
    'admin_sessions',
    'verification_methods',
    'pending_method_registrations',
    'totp_steps',
  ] as const) {
    await trx
      .deleteFrom(table)
      .where('tenant_id', '=', request.tenantId)
      .where('user_id', '=', twin.id)
      .execute();
  }
  // The cloud account's guess counters go too: the AD account starts with no lock (ADR 0014).
  await trx
    .deleteFrom('guess_counters')
    .where('tenant_id', '=', request.tenantId)
    .where('subject', '=', twin.id)
    .execute();
  await audit.record(
    {
      tenantId: request.tenantId,
      actor: { type: 'agent', id: request.agentId },
      action: 'sync.soft_matched',
      target: { type: 'user', id: twin.id, name: twin.upn },
      result: 'success',
      detail,
    },
    trx,
  );
  return 'matched';
}
