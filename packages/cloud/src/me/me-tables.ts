import type { MethodKind } from '../store/tables.js';

/** Tables of My Account (migration 0005). */
export interface UserSessionsTable {
  /** SHA-256 of the random id in the `ferry_user` cookie; the id itself is never stored. */
  id_hash: string;
  tenant_id: string;
  user_id: string;
  csrf_hash: string;
  /** When the holder last proved their password in this session (sign-in, change, re-proof). */
  created_at: string;
  expires_at: string;
  /** When the session was opened (migration 0012; null for older sessions). */
  started_at: string | null;
  /** The browser's User-Agent at sign-in, cut to 256 characters. */
  user_agent: string | null;
  source_ip: string | null;
  /** Last request made with the session, to the minute. */
  last_seen_at: string | null;
}

/**
 * A method the user asked to register and has not confirmed yet: the address or number
 * waiting for its emailed / texted code, or the TOTP seed (sealed) waiting for a first code.
 */
export interface PendingMethodRegistrationsTable {
  tenant_id: string;
  user_id: string;
  kind: MethodKind;
  /** Address or number (public contact data); null for TOTP. */
  value: string | null;
  /** The sealed TOTP seed; null for email and phone. */
  protected_value: string | null;
  created_at: string;
  expires_at: string;
}

/** When a user last reviewed their methods (migration 0010). */
export interface RegistrationReviewsTable {
  user_id: string;
  tenant_id: string;
  reviewed_at: string;
}

export interface MeDatabase {
  registration_reviews: RegistrationReviewsTable;
  user_sessions: UserSessionsTable;
  pending_method_registrations: PendingMethodRegistrationsTable;
}
