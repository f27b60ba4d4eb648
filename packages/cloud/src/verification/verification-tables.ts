/** Rows of the verification building blocks (one-time codes, TOTP replay guard). */
export interface OneTimeCodesTable {
  id: string;
  tenant_id: string;
  purpose: string;
  /** A reset flow id or a user id. */
  subject: string;
  /** SHA-256 of tenant, purpose, subject and code; never the code. */
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
}

export interface TotpStepsTable {
  tenant_id: string;
  user_id: string;
  /** The last 30-second step whose code was accepted; older or equal steps are refused. */
  last_step: number;
}

export interface VerificationDatabase {
  one_time_codes: OneTimeCodesTable;
  totp_steps: TotpStepsTable;
}
