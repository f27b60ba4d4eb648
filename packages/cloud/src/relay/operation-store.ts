import type { OperationKind, Outcome, UserReference } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { OperationState } from './relay-tables.js';

/** A new operation row: `held` while the cloud's own check runs, else `pending`. */
export async function insertOperation(
  db: Kysely<Database>,
  operation: {
    id: string;
    tenantId: string;
    kind: OperationKind;
    target: UserReference;
    requestedBy: string | null;
    held: boolean;
    now: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('operations')
    .values({
      id: operation.id,
      tenant_id: operation.tenantId,
      kind: operation.kind,
      target_json: JSON.stringify(operation.target),
      requested_by: operation.requestedBy,
      state: operation.held ? 'held' : 'pending',
      agent_id: null,
      attempts: 0,
      prior_pwd_last_set: null,
      outcome_code: null,
      outcome_json: null,
      created_at: operation.now.toISOString(),
      expires_at: operation.expiresAt.toISOString(),
      completed_at: null,
    })
    .execute();
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

/** Puts an operation its agent lost back to `pending`; the stamp it recorded stays. */
export async function requeueOperation(
  db: Kysely<Database>,
  operationId: string,
  agentId: string,
): Promise<void> {
  await db
    .updateTable('operations')
    .set({ state: 'pending', agent_id: null })
    .where('id', '=', operationId)
    .where('state', '=', 'claimed')
    .where('agent_id', '=', agentId)
    .execute();
}

/** What a lost attempt left: a result, or the user's pwdLastSet seen before a write. */
export async function attemptTrace(
  db: Kysely<Database>,
  operationId: string,
): Promise<{
  prior_pwd_last_set: string | null;
  state: OperationState;
  outcome_json: string | null;
}> {
  return db
    .selectFrom('operations')
    .select(['prior_pwd_last_set', 'state', 'outcome_json'])
    .where('id', '=', operationId)
    .executeTakeFirstOrThrow();
}

/**
 * Ends an operation at its expiry. Never applied now: claims are refused after expiry. If an
 * agent was ever granted it (even one lost since, its operation put back), a write may have
 * landed: the outcome is unknown and the user is told so rather than told "nothing changed".
 */
export async function expireOperation(
  db: Kysely<Database>,
  operationId: string,
  now: Date,
): Promise<Outcome> {
  const expired = await db
    .updateTable('operations')
    .set({ state: 'expired', outcome_code: 'expired', completed_at: now.toISOString() })
    .where('id', '=', operationId)
    .where('state', 'in', ['pending', 'held'])
    .where('attempts', '=', 0)
    .executeTakeFirst();
  if (Number(expired.numUpdatedRows) === 1) {
    return { code: 'expired', detail: 'no agent took the operation before it expired' };
  }
  const unknown: Outcome = {
    code: 'outcome_unknown',
    detail: 'an agent took the operation and did not report; it may have been applied',
  };
  const abandoned = await db
    .updateTable('operations')
    .set({ state: 'expired', outcome_code: unknown.code, completed_at: now.toISOString() })
    .where('id', '=', operationId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (Number(abandoned.numUpdatedRows) === 1) return unknown;
  const row = await db
    .selectFrom('operations')
    .select(['state', 'outcome_json'])
    .where('id', '=', operationId)
    .executeTakeFirst();
  // Done by an agent, or cancelled by the cloud's own check: either has its outcome.
  if ((row?.state === 'done' || row?.state === 'cancelled') && row.outcome_json)
    return JSON.parse(row.outcome_json) as Outcome;
  return unknown;
}

/** Ends a hold: `pending` when the check passed, else `cancelled` with its refusal. */
export async function endHold(
  db: Kysely<Database>,
  operationId: string,
  refusal: Outcome | undefined,
  now: Date,
): Promise<void> {
  await db
    .updateTable('operations')
    .set(
      refusal
        ? {
            state: 'cancelled',
            outcome_code: refusal.code,
            outcome_json: JSON.stringify(refusal),
            completed_at: now.toISOString(),
          }
        : { state: 'pending' },
    )
    .where('id', '=', operationId)
    .where('state', '=', 'held')
    .execute();
}

/** Whether the operation's row still reads `held`. */
export async function isHeld(db: Kysely<Database>, operationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('operations')
    .select('state')
    .where('id', '=', operationId)
    .executeTakeFirst();
  return row?.state === 'held';
}
