import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudNode } from '../support/ferry-system.js';
import type { SyncedLabUser } from '../support/synced-lab-user.js';
import type { FaultCluster } from './fault-cluster.js';

/** Answers that tell the caller what happened (the relay's outcomes that can end a reset). */
const DEFINITE = new Set([
  'applied',
  'outcome_unknown',
  'expired',
  'agent_unavailable',
  'directory_unavailable',
]);
/** Answers that promise nothing was written. */
const NOTHING_WRITTEN = new Set(['expired', 'agent_unavailable', 'directory_unavailable']);

export interface LedgerEntry {
  readonly scenario: string;
  readonly user: SyncedLabUser;
  readonly password: string;
  readonly node: number;
  readonly before: number;
  /** The outcome code, or `connection_error` when the caller's node went away. */
  answer: string;
  status: number | undefined;
  writes: number | undefined;
  /** The operation's row once settled: when it expired, and when AD last set the password. */
  expiresAt: string | undefined;
  pwdLastSet: string | undefined;
}

/**
 * Every admin reset a fault scenario sends, with its caller's answer and the unicodePwd write
 * counter before and after, and the checks of issue 12: one definite answer per caller, at
 * most one write per operation, none after expiry, `applied` only when it was written.
 */
export class OperationLedger {
  readonly entries: LedgerEntry[] = [];
  /** When each user's last operation can no longer be written (ms since the epoch). */
  readonly #freeAt = new Map<SyncedLabUser, number>();

  constructor(
    private readonly cluster: FaultCluster,
    /** The operations' expiry (FERRY_OPERATION_TIMEOUT_SECONDS), in ms. */
    private readonly timeoutMs: number,
  ) {}

  /**
   * Waits until no earlier operation on these users can still be written: an `applied` is
   * over; any other answer (or a lost connection) may leave the operation in flight until
   * its expiry, which is at most one timeout after the answer (the row was inserted before).
   */
  async untilFree(users: readonly SyncedLabUser[]): Promise<void> {
    const last = Math.max(0, ...users.map((user) => this.#freeAt.get(user) ?? 0));
    if (last > Date.now()) await sleep(last - Date.now());
  }

  /** Sends an admin reset for `user` through node `node`; resolves when its caller has an answer. */
  async reset(
    scenario: string,
    node: CloudNode,
    nodeIndex: number,
    user: SyncedLabUser,
    before?: number,
  ) {
    const entry: LedgerEntry = {
      scenario,
      user,
      password: `Fz7!${randomUUID().slice(0, 13)}`,
      node: nodeIndex,
      before: before ?? (await this.cluster.writes(user.account)),
      answer: 'pending',
      status: undefined,
      writes: undefined,
      expiresAt: undefined,
      pwdLastSet: undefined,
    };
    this.entries.push(entry);
    try {
      const answer = await node.api.post(`/api/v1/users/${user.userId}/password`, {
        password: entry.password,
      });
      entry.status = answer.status;
      entry.answer =
        answer.status === 200 ? String(answer.json?.outcome) : String(answer.json?.error?.code);
    } catch {
      entry.answer = 'connection_error';
    }
    if (entry.answer !== 'applied') this.#freeAt.set(user, Date.now() + this.timeoutMs + 500);
    return entry;
  }

  /**
   * Once every operation sent has expired: each entry's writes are the counter's move until
   * the next operation on the same user was sent (or until now, for the last one); the last
   * one on each user also gets its row's expiry and the user's pwdLastSet as AD has it.
   */
  async settle(): Promise<void> {
    const connector = this.cluster.lab.connector();
    const open = this.entries.filter((entry) => entry.writes === undefined);
    for (const [index, entry] of open.entries()) {
      const next = open.slice(index + 1).find((later) => later.user === entry.user);
      if (next) {
        entry.writes = next.before - entry.before;
        continue;
      }
      entry.writes = (await this.cluster.writes(entry.user.account)) - entry.before;
      const row = await this.cluster.system
        .store()
        .db.selectFrom('operations')
        .select(['expires_at'])
        .where('target_json', 'like', `%${entry.user.objectGUID}%`)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      entry.expiresAt = row?.expires_at;
      const found = await connector.findUser({
        by: 'sAMAccountName',
        value: entry.user.account.sAMAccountName,
      });
      entry.pwdLastSet = found.ok ? found.user.passwordLastSet?.toISOString() : undefined;
    }
  }

  /** Every broken promise of issue 12 among the entries, as readable lines (empty when none). */
  violations(
    mayLoseConnection: (entry: LedgerEntry) => boolean,
    entries: readonly LedgerEntry[] = this.entries,
  ): string[] {
    const found: string[] = [];
    for (const entry of entries) {
      const what = `${entry.scenario} ${entry.user.account.sAMAccountName} via node ${entry.node}: answer ${entry.answer}, writes ${entry.writes}`;
      const connectionLost = entry.answer === 'connection_error' && mayLoseConnection(entry);
      if (!DEFINITE.has(entry.answer) && !connectionLost) found.push(`no definite answer: ${what}`);
      if ((entry.writes ?? 0) > 1) found.push(`written twice: ${what}`);
      if (entry.answer === 'applied' && entry.writes !== 1)
        found.push(`applied unwritten: ${what}`);
      if (NOTHING_WRITTEN.has(entry.answer) && entry.writes !== 0)
        found.push(`written after "${entry.answer}": ${what}`);
      if (
        entry.writes === 1 &&
        entry.pwdLastSet !== undefined &&
        entry.expiresAt !== undefined &&
        Date.parse(entry.pwdLastSet) > Date.parse(entry.expiresAt)
      )
        found.push(`written after expiry (${entry.pwdLastSet} > ${entry.expiresAt}): ${what}`);
    }
    return found;
  }

  /** A scenario's broken promises by kind, for the figures. */
  tally(scenario: string, mayLoseConnection: (entry: LedgerEntry) => boolean) {
    const lines = this.violations(
      mayLoseConnection,
      this.entries.filter((entry) => entry.scenario === scenario),
    );
    const counted = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).length;
    return {
      twice: counted('written twice'),
      // The caller was left without an answer, or told `applied` for nothing written.
      lost: counted('no definite answer') + counted('applied unwritten'),
      // Written after an answer that said nothing was, or after the operation's expiry.
      late: counted('written after'),
      total: lines.length,
    };
  }

  count(scenario: string, predicate: (entry: LedgerEntry) => boolean = () => true): number {
    return this.entries.filter((entry) => entry.scenario === scenario && predicate(entry)).length;
  }

  /** "applied 12, outcome_unknown 1" for a scenario's answers. */
  answers(scenario: string): string {
    const byAnswer = new Map<string, number>();
    for (const entry of this.entries.filter((e) => e.scenario === scenario))
      byAnswer.set(entry.answer, (byAnswer.get(entry.answer) ?? 0) + 1);
    return [...byAnswer].map(([answer, n]) => `\`${answer}\` ${n}`).join(', ');
  }
}
