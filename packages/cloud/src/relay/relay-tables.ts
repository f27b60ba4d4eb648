/**
 * Tables of the agent subsystem (migration 0002). Agent public keys are JWK JSON; no private
 * key, token or password is stored: enrollment tokens as SHA-256 digests, operation secrets
 * not at all (they travel as a JWE in memory and in the PostgreSQL notification only).
 */
export interface AgentEnrollmentTokensTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by_agent: string | null;
}

export type AgentStatusValue = 'active' | 'disabled';

export interface AgentsTable {
  id: string;
  tenant_id: string;
  name: string;
  hostname: string;
  version: string;
  encryption_key_json: string;
  signing_key_json: string;
  /** When the agent last replaced its key pairs (null: the enrollment keys). */
  keys_rotated_at: string | null;
  /** An admin asked for new keys; pending while later than `keys_rotated_at`. */
  keys_rotation_requested_at: string | null;
  status: AgentStatusValue;
  /** The cloud node holding the agent's socket now, or null when offline. */
  node_id: string | null;
  connected_at: string | null;
  last_seen_at: string | null;
  status_json: string | null;
  operations_served: number;
  created_at: string;
  /** The agent's last doctor report (migration 0009), and when the cloud received it. */
  doctor_report_json: string | null;
  doctor_reported_at: string | null;
}

/**
 * `held`: dispatched while the cloud's own password check runs; no claim until it is
 * `pending`. `cancelled`: that check refused the password; nothing was written.
 */
export type OperationState = 'held' | 'pending' | 'claimed' | 'done' | 'expired' | 'cancelled';

export interface OperationsTable {
  id: string;
  tenant_id: string;
  kind: string;
  target_json: string;
  requested_by: string | null;
  state: OperationState;
  agent_id: string | null;
  attempts: number;
  prior_pwd_last_set: string | null;
  outcome_code: string | null;
  outcome_json: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
}

export interface CloudKeysTable {
  id: string;
  /** AES-256-GCM sealed private JWK (data key); the public JWK in clear. */
  private_sealed: string;
  public_jwk: string;
  created_at: string;
}

/** The chain of cloud signing keys: the JWS by which each key endorsed the next. */
export interface CloudKeyEndorsementsTable {
  position: number;
  endorsement: string;
  created_at: string;
}

export interface RelayDatabase {
  agent_enrollment_tokens: AgentEnrollmentTokensTable;
  agents: AgentsTable;
  operations: OperationsTable;
  cloud_keys: CloudKeysTable;
  cloud_key_endorsements: CloudKeyEndorsementsTable;
}
