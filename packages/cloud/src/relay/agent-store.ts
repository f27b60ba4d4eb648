import type { AgentStatus, DirectoryPolicy } from '@ferry/protocol';
import type { JWK } from 'jose';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/tables.js';
import type { AgentsTable } from './relay-tables.js';

export type AgentRow = Selectable<AgentsTable>;

/** An agent as the relay chooses among them: online, with its last reported status. */
export interface OnlineAgent {
  readonly id: string;
  readonly nodeId: string;
  readonly encryptionKey: JWK;
  readonly status: AgentStatus | undefined;
}

export function parseStatus(row: Pick<AgentRow, 'status_json'>): AgentStatus | undefined {
  return row.status_json ? (JSON.parse(row.status_json) as AgentStatus) : undefined;
}

export function reportedPolicy(row: Pick<AgentRow, 'status_json'>): DirectoryPolicy | undefined {
  return parseStatus(row)?.policy;
}

/**
 * Agents of a tenant that hold a socket on some node and were heard from recently. A node
 * that died without saying so leaves `node_id` set; `last_seen_at` ages it out.
 */
export async function onlineAgents(
  db: Kysely<Database>,
  tenantId: string,
  seenSince: Date,
): Promise<OnlineAgent[]> {
  const rows = await db
    .selectFrom('agents')
    .select(['id', 'node_id', 'encryption_key_json', 'status_json'])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .where('node_id', 'is not', null)
    .where('last_seen_at', '>=', seenSince.toISOString())
    .execute();
  return rows.map((row) => ({
    id: row.id,
    nodeId: row.node_id!,
    encryptionKey: JSON.parse(row.encryption_key_json) as JWK,
    status: parseStatus(row),
  }));
}

/**
 * The domain policy the tenant's online agents report, when it is everyone's (they see no
 * fine-grained policy); undefined otherwise, as only AD knows which PSO applies to whom.
 */
export async function reportedDomainPolicy(
  db: Kysely<Database>,
  tenantId: string,
  seenSince: Date,
): Promise<DirectoryPolicy | undefined> {
  const agents = await onlineAgents(db, tenantId, seenSince);
  return agents
    .map((agent) => agent.status)
    .find((status) => status?.policy && status.fineGrainedPolicies === 0)?.policy;
}

/** Counts an operation an agent completed (the Admin center's "operations served"). */
export async function countServedOperation(db: Kysely<Database>, agentId: string): Promise<void> {
  await db
    .updateTable('agents')
    .set((eb) => ({ operations_served: eb('operations_served', '+', 1) }))
    .where('id', '=', agentId)
    .execute();
}
