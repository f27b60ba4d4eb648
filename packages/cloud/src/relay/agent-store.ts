import type { AgentStatus, DirectoryPolicy, Outcome } from '@ferry/protocol';
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

/**
 * The agent's claim: granted only while the operation is pending and not expired. A v1 agent
 * claims after its lookup, with the user's pwdLastSet; v2 sends it in `writing`.
 */
export async function claimOperation(
  db: Kysely<Database>,
  claim: {
    tenantId: string;
    agentId: string;
    operationId: string;
    passwordLastSet: string | undefined;
    now: Date;
    /** This node's check of a held operation passed: `held` may be claimed too. */
    checkPassed?: boolean;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('operations')
    .set((eb) => ({
      state: 'claimed',
      agent_id: claim.agentId,
      attempts: eb('attempts', '+', 1),
      prior_pwd_last_set: eb.fn.coalesce(
        'prior_pwd_last_set',
        eb.val(claim.passwordLastSet ?? null),
      ),
    }))
    .where('id', '=', claim.operationId)
    .where('tenant_id', '=', claim.tenantId)
    .where('state', 'in', claim.checkPassed ? ['pending', 'held'] : ['pending'])
    .where('expires_at', '>', claim.now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * What the agent saw of the user before its write (the first report wins): if that agent is
 * lost, the next one compares it with AD to tell whether the write landed. The report may come
 * while the claim still waits on the cloud's check (`held`, `pending`); once another agent
 * holds the operation it changes nothing.
 */
export async function recordPriorStamp(
  db: Kysely<Database>,
  report: { tenantId: string; agentId: string; operationId: string; passwordLastSet: string },
): Promise<void> {
  await db
    .updateTable('operations')
    .set((eb) => ({
      prior_pwd_last_set: eb.fn.coalesce('prior_pwd_last_set', eb.val(report.passwordLastSet)),
    }))
    .where('id', '=', report.operationId)
    .where('tenant_id', '=', report.tenantId)
    .where((eb) =>
      eb.or([
        eb('state', 'in', ['held', 'pending']),
        eb.and([eb('state', '=', 'claimed'), eb('agent_id', '=', report.agentId)]),
      ]),
    )
    .execute();
}

/** Records an agent's outcome once; a second or a stranger's result changes nothing. */
export async function completeOperation(
  db: Kysely<Database>,
  done: { tenantId: string; agentId: string; operationId: string; outcome: Outcome; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('operations')
    .set({
      state: 'done',
      agent_id: done.agentId,
      outcome_code: done.outcome.code,
      outcome_json: JSON.stringify(done.outcome),
      completed_at: done.now.toISOString(),
    })
    .where('id', '=', done.operationId)
    .where('tenant_id', '=', done.tenantId)
    .where((eb) =>
      eb.or([
        // An outcome without a write (user not found, writeback off…) may come while held.
        eb('state', 'in', ['pending', 'held']),
        eb.and([eb('state', '=', 'claimed'), eb('agent_id', '=', done.agentId)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Counts an operation an agent completed (the Admin center's "operations served"). */
export async function countServedOperation(db: Kysely<Database>, agentId: string): Promise<void> {
  await db
    .updateTable('agents')
    .set((eb) => ({ operations_served: eb('operations_served', '+', 1) }))
    .where('id', '=', agentId)
    .execute();
}
