/**
 * Tables of the OpenID Connect provider (migration 0006). No column holds a client secret,
 * code, token, session id or private key in clear: secrets as SHA-256 digests, the
 * provider's payloads and the signing keys sealed with the data key (AES-256-GCM).
 */
export type OidcClientKind = 'confidential' | 'public';
export type OidcClientAccess = 'all' | 'assigned';

/** An application registered by an admin (a relying party). */
export interface OidcClientsTable {
  /** The client_id: a random UUID (public, it travels in every authorization request). */
  id: string;
  tenant_id: string;
  name: string;
  kind: OidcClientKind;
  redirect_uris_json: string;
  post_logout_redirect_uris_json: string;
  /** Scopes the application may ask for, beyond `openid`. */
  scopes_json: string;
  /** Everyone in the tenant, or only the users and groups in `oidc_client_access`. */
  access: OidcClientAccess;
  mfa_required: number;
  /** An admin consented for every user of the tenant: users are never asked. */
  tenant_consent: number;
  enabled: number;
  /** SHA-256 of the client secret (confidential clients); the secret is shown once. */
  secret_hash: string | null;
  secret_created_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface OidcClientAccessTable {
  tenant_id: string;
  client_id: string;
  principal_type: 'user' | 'group';
  principal_id: string;
}

/** A user's consent to an application, remembered across sessions. */
export interface OidcConsentsTable {
  tenant_id: string;
  user_id: string;
  client_id: string;
  /** Space-separated scopes the user consented to. */
  scopes: string;
  granted_at: string;
}

/**
 * The provider's artefacts (sessions, interactions, grants, codes, tokens), one row each.
 * The id (the token itself for codes and tokens, the cookie value for sessions) is stored as
 * its SHA-256; the payload sealed, bound to model and id digest.
 */
export interface OidcPayloadsTable {
  tenant_id: string;
  model: string;
  id_hash: string;
  payload_sealed: string;
  /** Not a credential: it names the grant so revoking it reaches every token of it. */
  grant_id: string | null;
  uid_hash: string | null;
  user_code_hash: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

/** ID token signing keys: every node reads the same set; the newest active one signs. */
export interface OidcSigningKeysTable {
  kid: string;
  tenant_id: string;
  alg: string;
  private_sealed: string;
  public_jwk: string;
  created_at: string;
  /** Published in the JWKS from creation, signing from this time on. */
  active_from: string;
}

export type SignInStage = 'password' | 'change_password' | 'mfa' | 'register' | 'consent' | 'done';

/** One sign-in in progress (an interaction of the provider), as far as Ferry took it. */
export interface OidcSignInsTable {
  /** The provider's interaction uid. */
  uid: string;
  tenant_id: string;
  client_id: string;
  /** Known once the password was proved. */
  user_id: string | null;
  stage: string;
  /** Why the stage was reached when the page should say it (AD's 773 or 532 before a change). */
  reason: string | null;
  /** RFC 8176 methods proved so far, JSON array (`pwd`, `otp`, `mfa`...). */
  amr_json: string;
  csrf_hash: string;
  created_at: string;
  expires_at: string;
}

export interface OidcDatabase {
  oidc_clients: OidcClientsTable;
  oidc_client_access: OidcClientAccessTable;
  oidc_consents: OidcConsentsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  oidc_sign_ins: OidcSignInsTable;
}
