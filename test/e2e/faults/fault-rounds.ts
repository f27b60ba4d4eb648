import { setTimeout as sleep } from 'node:timers/promises';
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

export interface RoundResult {
  /** The fault struck while at least one caller was still waiting for its answer. */
  readonly midWriteback: boolean;
  readonly entries: LedgerEntry[];
}

/**
 * One round of a fault scenario: operations on distinct users sent through both nodes, the
 * fault at its seeded instant, every caller's answer awaited, then the recovery.
 */
export async function faultRound(
  cluster: FaultCluster,
  ledger: OperationLedger,
  plan: RoundPlan,
  firstUser: number,
): Promise<RoundResult> {
  const users = Array.from(
    { length: plan.operations },
    (_, index) => cluster.users[(firstUser + index) % cluster.users.length]!,
  );
  // The counters are read before anything is sent: the fault may take the DC down.
  const before: number[] = [];
  for (const user of users) before.push(await cluster.writes(user.account));
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
  await plan.fault();
  const entries = await Promise.all(calls);
  await plan.recover?.();
  return { midWriteback, entries };
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
