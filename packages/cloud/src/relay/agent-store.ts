import type { AgentStatus, DirectoryPolicy } from '@ferry/protocol';
import type { JWK } from 'jose';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/tables.js';
import type { AgentStatusValue, AgentsTable } from './relay-tables.js';

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

/** A newly enrolled agent (inside the transaction that spends its token). */
export async function insertAgent(
  db: Kysely<Database>,
  agent: {
    id: string;
    tenantId: string;
    name: string;
    hostname: string;
    version: string;
    encryptionKey: JWK;
    signingKey: JWK;
    now: string;
  },
): Promise<void> {
  await db
    .insertInto('agents')
    .values({
      id: agent.id,
      tenant_id: agent.tenantId,
      name: agent.name,
      hostname: agent.hostname,
      version: agent.version,
      encryption_key_json: JSON.stringify(agent.encryptionKey),
      signing_key_json: JSON.stringify(agent.signingKey),
      keys_rotated_at: null,
      keys_rotation_requested_at: null,
      status: 'active',
      node_id: null,
      connected_at: null,
      last_seen_at: null,
      status_json: null,
      operations_served: 0,
      created_at: agent.now,
      doctor_report_json: null,
      doctor_reported_at: null,
    })
    .execute();
}

export async function findAgent(
  db: Kysely<Database>,
  agentId: string,
): Promise<AgentRow | undefined> {
  return db.selectFrom('agents').selectAll().where('id', '=', agentId).executeTakeFirst();
}

/** The agents of a tenant, oldest first (the Admin center's list). */
export async function listAgents(db: Kysely<Database>, tenantId: string): Promise<AgentRow[]> {
  return db
    .selectFrom('agents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .execute();
}

/** An agent of this tenant, or undefined (another tenant's ids are not found). */
export async function findTenantAgent(
  db: Kysely<Database>,
  tenantId: string,
  agentId: string,
): Promise<Pick<AgentRow, 'id' | 'name'> | undefined> {
  return db
    .selectFrom('agents')
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', agentId)
    .executeTakeFirst();
}

export async function setAgentStatus(
  db: Kysely<Database>,
  agentId: string,
  status: AgentStatusValue,
): Promise<void> {
  await db.updateTable('agents').set({ status }).where('id', '=', agentId).execute();
}

export async function removeAgent(db: Kysely<Database>, agentId: string): Promise<void> {
  await db.deleteFrom('agents').where('id', '=', agentId).execute();
}

/**
 * The agent proved its key: this node holds its socket now, and the version it announced in
 * its hello is recorded. False (nothing written) when the agent is not active any more.
 */
export async function markAgentOnline(
  db: Kysely<Database>,
  agentId: string,
  at: { nodeId: string; now: Date; version: string },
): Promise<boolean> {
  const now = at.now.toISOString();
  const updated = await db
    .updateTable('agents')
    .set({ node_id: at.nodeId, connected_at: now, last_seen_at: now, version: at.version })
    .where('id', '=', agentId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** Its socket on this node closed; a newer one on another node is left as it is. */
export async function markAgentOffline(
  db: Kysely<Database>,
  agentId: string,
  nodeId: string,
): Promise<void> {
  await db
    .updateTable('agents')
    .set({ node_id: null })
    .where('id', '=', agentId)
    .where('node_id', '=', nodeId)
    .execute();
}

export async function recordAgentStatus(
  db: Kysely<Database>,
  agentId: string,
  status: AgentStatus,
  now: Date,
): Promise<void> {
  await db
    .updateTable('agents')
    .set({ status_json: JSON.stringify(status), last_seen_at: now.toISOString() })
    .where('id', '=', agentId)
    .execute();
}

export async function recordHeartbeat(
  db: Kysely<Database>,
  agentId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('agents')
    .set({ last_seen_at: now.toISOString() })
    .where('id', '=', agentId)
    .execute();
}

/** An admin asked for new keys; recorded so an agent reconnecting right now still hears it. */
export async function requestKeyRotation(
  db: Kysely<Database>,
  agentId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('agents')
    .set({ keys_rotation_requested_at: now.toISOString() })
    .where('id', '=', agentId)
    .execute();
}

/** Whether an admin asked for new keys after the agent last replaced them. */
export async function keyRotationPending(db: Kysely<Database>, agentId: string): Promise<boolean> {
  const keys = await db
    .selectFrom('agents')
    .select(['keys_rotated_at', 'keys_rotation_requested_at'])
    .where('id', '=', agentId)
    .executeTakeFirst();
  const requested = keys?.keys_rotation_requested_at;
  return Boolean(requested && requested > (keys.keys_rotated_at ?? ''));
}

/** The agent's new public keys, once it proved it holds the new signing key. */
export async function replaceAgentKeys(
  db: Kysely<Database>,
  agentId: string,
  keys: { encryptionKey: JWK; signingKey: JWK; now: Date },
): Promise<void> {
  await db
    .updateTable('agents')
    .set({
      encryption_key_json: JSON.stringify(keys.encryptionKey),
      signing_key_json: JSON.stringify(keys.signingKey),
      keys_rotated_at: keys.now.toISOString(),
    })
    .where('id', '=', agentId)
    .execute();
}
