import type { Generated, Insertable, Selectable } from 'kysely';
import type { GuessDatabase } from '../auth/guess-tables.js';
import type { MeDatabase } from '../me/me-tables.js';
import type { OidcDatabase } from '../oidc/oidc-tables.js';
import type { RelayDatabase } from '../relay/relay-tables.js';
import type { SsprDatabase } from '../sspr/sspr-tables.js';
import type { SyncDatabase } from '../sync/sync-tables.js';
import type { VerificationDatabase } from '../verification/verification-tables.js';

/**
 * Row types of the store. Portable across SQLite and PostgreSQL: times are ISO-8601 UTC text
 * (sorts lexically), booleans are 0/1 integers, ids are UUID text. Every table but `tenants`
 * carries `tenant_id`, and every query filters on it.
 */
export interface TenantsTable {
  id: string;
  name: string;
  is_default: number;
  created_at: string;
}

export type UserSource = 'cloud' | 'synced';

export interface UsersTable {
  id: string;
  tenant_id: string;
  source: UserSource;
  upn: string;
  upn_lower: string;
  display_name: string;
  /** From AD's givenName / sn (synced users), or set by an admin; for the ID token. */
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  /** Argon2id (cloud-only users); synced users' hashes never leave the directory. */
  password_hash: string | null;
  source_anchor: string | null;
  on_prem_dn: string | null;
  sam_account_name: string | null;
  enabled: number;
  locked_out: number;
  password_last_set_at: string | null;
  synced_at: string | null;
  sync_agent_id: string | null;
  /** The sync run that last upserted this user (a full run removes users it did not see). */
  sync_run_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  name_lower: string;
  description: string | null;
  source: UserSource;
  source_anchor: string | null;
  created_at: string;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  user_id: string;
  added_at: string;
}

export type AdminRole = 'global_admin' | 'helpdesk_admin';

export interface RoleAssignmentsTable {
  tenant_id: string;
  user_id: string;
  role: AdminRole;
  assigned_at: string;
}

export type MethodKind = 'email' | 'phone' | 'totp' | 'security_questions';

export interface VerificationMethodsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  kind: MethodKind;
  /** Public part: address, number, or the question texts as JSON. Never a secret. */
  value: string | null;
  /** AES-256-GCM sealed TOTP seed, or a JSON list of Argon2id answer hashes. */
  protected_value: string | null;
  registered_at: string;
}

export interface SettingsTable {
  tenant_id: string;
  name: string;
  value_json: string;
  updated_at: string;
  updated_by: string | null;
}

export interface AdminSessionsTable {
  id_hash: string;
  tenant_id: string;
  user_id: string;
  csrf_hash: string;
  created_at: string;
  expires_at: string;
}

export interface BootstrapTokensTable {
  token_hash: string;
  tenant_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string;
  seq: Generated<number>;
  at: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  result: string;
  source_ip: string | null;
  request_id: string | null;
  detail_json: string | null;
}

export interface Database
  extends
    GuessDatabase,
    RelayDatabase,
    SyncDatabase,
    MeDatabase,
    VerificationDatabase,
    SsprDatabase,
    OidcDatabase {
  tenants: TenantsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  role_assignments: RoleAssignmentsTable;
  verification_methods: VerificationMethodsTable;
  settings: SettingsTable;
  admin_sessions: AdminSessionsTable;
  bootstrap_tokens: BootstrapTokensTable;
  audit_events: AuditEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type GroupRow = Selectable<GroupsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
