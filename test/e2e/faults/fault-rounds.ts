import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncedLabUser } from '../support/synced-lab-user.js';
import type { FaultCluster } from './fault-cluster.js';
import type { LedgerEntry, OperationLedger } from './operation-ledger.js';

export interface RoundPlan {
  readonly scenario: string;
  /** Operations sent at once, alternately through node 0 and node 1. */
  readonly operations: number;
  /** When the fault strikes, in ms after the operations were sent. */
  readonly faultAfterMs: number;
  /** Strikes (kill -9, SIGSTOP, restart); resolves once done. */
  readonly fault: () => Promise<void>;
  /** Brings the system back (a restart); runs once every caller has an answer. */
  readonly recover?: () => Promise<void>;
}

/** Where the round's operations stood when the fault struck, as PostgreSQL had them. */
export interface PhasesAtFault {
  /** Not yet claimed by an agent (not yet sent, held for the cloud's check, or pending). */
  readonly beforeClaim: number;
  /** Claimed, no result yet: the agent is about to write, writing, or wrote and not reported. */
  readonly claimed: number;
  /** Ended (result recorded, cancelled or expired). */
  readonly ended: number;
}

export interface RoundResult {
  /** The fault struck while at least one caller was still waiting for its answer. */
  readonly midWriteback: boolean;
  readonly phases: PhasesAtFault;
  readonly entries: LedgerEntry[];
}

/**
 * One round of a fault scenario: operations on distinct users sent through both nodes, the
 * fault at its seeded instant, every caller's answer awaited, then the recovery. A user is
 * used again only once its previous operation can no longer be written (its answer said so,
 * or its expiry passed), so each write counter's move belongs to one operation.
 */
export async function faultRound(
  cluster: FaultCluster,
  ledger: OperationLedger,
  plan: RoundPlan,
  users: readonly SyncedLabUser[],
): Promise<RoundResult> {
  await ledger.untilFree(users);
  // The counters are read before anything is sent: the fault may take the DC down.
  const before: number[] = [];
  for (const user of users) before.push(await cluster.writes(user.account));
  const sentAt = new Date();
  const pending = new Set<number>();
  const calls = users.map((user, index) => {
    const nodeIndex = index % 2;
    pending.add(index);
    return ledger
      .reset(plan.scenario, cluster.nodes[nodeIndex]!, nodeIndex, user, before[index])
      .finally(() => pending.delete(index));
  });
  await sleep(plan.faultAfterMs);
  const midWriteback = pending.size > 0;
  const phases = await phasesAt(cluster, sentAt, users);
  await plan.fault();
  const entries = await Promise.all(calls);
  await plan.recover?.();
  return { midWriteback, phases, entries };
}

/** The states of the operations created since `since` (a few ms before the fault). */
async function phasesAt(
  cluster: FaultCluster,
  since: Date,
  users: readonly SyncedLabUser[],
): Promise<PhasesAtFault> {
  const operations = users.length;
  // Only this round's: an earlier operation on the same user was created before it was sent.
  const rows = await cluster.system
    .store()
    .db.selectFrom('operations')
    .select('state')
    .where('created_at', '>=', since.toISOString())
    .where((eb) => eb.or(users.map((user) => eb('target_json', 'like', `%${user.objectGUID}%`))))
    .execute();
  const claimed = rows.filter((row) => row.state === 'claimed').length;
  const ended = rows.filter((row) => !['held', 'pending', 'claimed'].includes(row.state)).length;
  return { beforeClaim: Math.max(0, operations - claimed - ended), claimed, ended };
}

/** Waits until every operation the cloud has recorded is past its expiry. */
export async function pastEveryExpiry(cluster: FaultCluster): Promise<void> {
  const row = await cluster.system
    .store()
    .db.selectFrom('operations')
    .select(({ fn }) => fn.max('expires_at').as('last'))
    .executeTakeFirst();
  const last = row?.last ? Date.parse(String(row.last)) : 0;
  if (last > Date.now()) await sleep(last - Date.now() + 250);
}
