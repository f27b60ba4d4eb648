import { setTimeout as sleep } from 'node:timers/promises';

/** Socket errors and PostgreSQL SQLSTATEs that mean the server went away or is not back yet. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown (pg_ctl stop/restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (crash recovery)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/**
 * Whether a store failure is PostgreSQL being away (restarted, failed over, in crash
 * recovery) rather than a query that is wrong: the first is worth another try once it is back.
 */
export function isStoreUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  // node-postgres reports a socket closed under a query without a code.
  return /^Connection terminated/.test(error.message);
}

const RETRY_EVERY_MS = 200;

/**
 * How long a repeatable step waits for a restarting PostgreSQL (crash recovery takes about a
 * second on the lab machine). Above all the steps after a write the directory applied (its
 * result, the cloud's copy of the user, the audit row): the caller must hear `applied`, not a
 * failure, for a write that landed.
 */
export const STORE_RESTART_WAIT_MS = 15_000;

/**
 * Runs a store step, again every 200 ms while PostgreSQL is unreachable, until `deadline`
 * (wall time, ms since the epoch); then the last failure is thrown. Any other failure is
 * thrown at once. Only for steps that are safe to repeat (conditional updates, reads).
 */
export async function retryWhileUnreachable<T>(
  step: () => Promise<T>,
  deadline: number,
): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isStoreUnreachable(error) || Date.now() + RETRY_EVERY_MS > deadline) throw error;
      await sleep(RETRY_EVERY_MS);
    }
  }
}
