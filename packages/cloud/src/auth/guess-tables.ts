/**
 * Guess counters (ADR 0014): one row per (surface, subject, source) that guessed wrong in the
 * current window; `source` `*` is the subject's account-wide ceiling. `subject` is a user id,
 * or `name:` and a keyed hash of a name that matches no account (never the name in clear).
 */
export interface GuessCountersTable {
  tenant_id: string;
  /** `admin` (Admin center) or `user` (My Account, change screen, application sign-in). */
  surface: string;
  subject: string;
  /** The client address as trustProxy resolves it, or `*` for the account-wide ceiling. */
  source: string;
  /** Attempts counted in the window (counted before the check). */
  failures: number;
  /** When the window (or the lock that ends it) closes. */
  window_ends: string;
  /** 1 once the lock was set (and audited). */
  locked: number;
}

export interface GuessDatabase {
  guess_counters: GuessCountersTable;
}
