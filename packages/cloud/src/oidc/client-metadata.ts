import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload, ClientMetadata } from 'oidc-provider';
import type { Database } from '../store/tables.js';
import type { ApplicationRow, OptionalScope } from './applications.js';

/**
 * An application as the provider sees a client. Confidential applications authenticate with
 * `client_secret_basic`; `client_secret` holds the secret's SHA-256, which the provider
 * compares through Ferry's `compareClientSecret` (see provider-config). Refresh tokens come
 * with the `offline_access` permission.
 */
export function clientMetadataOf(row: ApplicationRow): ClientMetadata {
  const scopes = JSON.parse(row.scopes_json) as OptionalScope[];
  const refresh = scopes.includes('offline_access');
  return {
    client_id: row.id,
    client_name: row.name,
    application_type: 'web',
    redirect_uris: JSON.parse(row.redirect_uris_json) as string[],
    post_logout_redirect_uris: JSON.parse(row.post_logout_redirect_uris_json) as string[],
    response_types: ['code'],
    grant_types: refresh ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
    scope: ['openid', ...scopes].join(' '),
    id_token_signed_response_alg: 'RS256',
    ...(row.kind === 'confidential' && row.secret_hash
      ? { token_endpoint_auth_method: 'client_secret_basic', client_secret: row.secret_hash }
      : { token_endpoint_auth_method: 'none' }),
  };
}

/** The provider's `Client` model reads the applications table; an off application is unknown. */
export class ClientAdapter implements Adapter {
  constructor(private readonly deps: { db: Kysely<Database>; tenantId: string }) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.deps.db
      .selectFrom('oidc_clients')
      .selectAll()
      .where('tenant_id', '=', this.deps.tenantId)
      .where('id', '=', id)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    return row ? (clientMetadataOf(row) as AdapterPayload) : undefined;
  }

  async upsert(): Promise<void> {
    throw new Error('applications are registered through the Ferry API');
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}
