/** Rows of self-service password reset: flows, spent proof-of-work challenges, throttles. */
export interface SsprFlowsTable {
  id: string;
  /** SHA-256 of the flow token; the token itself is only ever in the client's hands. */
  token_hash: string;
  tenant_id: string;
  /** Null when the name matched no user. */
  user_id: string | null;
  upn_lower: string;
  /** Why the flow cannot succeed (unknown_user, out_of_scope, too_few_methods); null if it can. */
  doomed_reason: string | null;
  required: number;
  /** The gates offered: JSON [{ kind, hint }]. Hints are masked contact data. */
  gates_json: string;
  /** JSON list of the gate kinds passed. */
  passed_json: string;
  /** JSON list of the security-question indexes asked, once chosen. */
  questions_json: string | null;
  created_at: string;
  expires_at: string;
  finished_at: string | null;
}

export interface SsprUsedChallengesTable {
  id: string;
  tenant_id: string;
  expires_at: string;
}

export interface ThrottleCountersTable {
  tenant_id: string;
  /** What is counted, e.g. `sspr.verify.email`, `sspr.reset`. */
  scope: string;
  /** Whom it is counted for (a lower-cased user name). */
  subject: string;
  window_start: string;
  count: number;
}

export interface SsprDatabase {
  sspr_flows: SsprFlowsTable;
  sspr_used_challenges: SsprUsedChallengesTable;
  throttle_counters: ThrottleCountersTable;
}
