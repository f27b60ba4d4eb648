/** Tables of the sync subsystem (migration 0003). */
export interface SyncStateTable {
  tenant_id: string;
  /** Where the tenant's directory import stands (SyncCursor JSON), null before the first run. */
  cursor_json: string | null;
  /** Deletes a run may apply without asking (Entra's accidental-delete threshold, 500). */
  delete_threshold: number;
  /** An admin allowed the next run to delete up to this many users. */
  confirmed_deletes: number | null;
  /** The one agent that syncs now, until `lease_expires_at`. */
  leader_agent_id: string | null;
  lease_expires_at: string | null;
  updated_at: string;
}

export type SyncRunStatus = 'running' | 'done' | 'awaiting_confirmation' | 'interrupted';

export interface SyncRunsTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  mode: string;
  status: SyncRunStatus;
  from_cursor_json: string | null;
  to_cursor_json: string;
  batches: number;
  added: number;
  updated: number;
  deleted: number;
  soft_matched: number;
  /** Directory users left out because their UPN is a cloud account holding an admin role. */
  soft_match_blocked: number;
  pending_deletes: number;
  started_at: string;
  finished_at: string | null;
}

export interface SyncDatabase {
  sync_state: SyncStateTable;
  sync_runs: SyncRunsTable;
}
