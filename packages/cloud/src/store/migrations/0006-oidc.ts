import type { Kysely, Migration } from 'kysely';

/**
 * The OpenID Connect provider: applications, their access lists and consents, the
 * provider's artefacts, its signing keys and sign-ins in progress; and the users' given name
 * and surname (sync brings them from AD's givenName and sn) for the ID token.
 */
export function oidcMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('given_name', 'text').execute();
      await db.schema.alterTable('users').addColumn('family_name', 'text').execute();

      await db.schema
        .createTable('oidc_clients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('redirect_uris_json', 'text', (c) => c.notNull())
        .addColumn('post_logout_redirect_uris_json', 'text', (c) => c.notNull())
        .addColumn('scopes_json', 'text', (c) => c.notNull())
        .addColumn('access', 'text', (c) => c.notNull())
        .addColumn('mfa_required', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('tenant_consent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('secret_hash', 'text')
        .addColumn('secret_created_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('oidc_client_access')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('client_id', 'text', (c) =>
          c.notNull().references('oidc_clients.id').onDelete('cascade'),
        )
        .addColumn('principal_type', 'text', (c) => c.notNull())
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('oidc_client_access_pk', [
          'client_id',
          'principal_type',
          'principal_id',
        ])
        .execute();

      await db.schema
        .createTable('oidc_consents')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) =>
          c.notNull().references('oidc_clients.id').onDelete('cascade'),
        )
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('oidc_consents_pk', ['user_id', 'client_id'])
        .execute();

      await db.schema
        .createTable('oidc_payloads')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('id_hash', 'text', (c) => c.notNull())
        .addColumn('payload_sealed', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('uid_hash', 'text')
        .addColumn('user_code_hash', 'text')
        .addColumn('expires_at', 'text')
        .addColumn('consumed_at', 'text')
        .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id_hash'])
        .execute();
      await db.schema
        .createIndex('oidc_payloads_grant')
        .on('oidc_payloads')
        .columns(['grant_id'])
        .execute();
      await db.schema
        .createIndex('oidc_payloads_uid')
        .on('oidc_payloads')
        .columns(['model', 'uid_hash'])
        .execute();
      await db.schema
        .createIndex('oidc_payloads_expiry')
        .on('oidc_payloads')
        .columns(['expires_at'])
        .execute();

      await db.schema
        .createTable('oidc_signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('private_sealed', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('active_from', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('oidc_sign_ins')
        .addColumn('uid', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('amr_json', 'text', (c) => c.notNull())
        .addColumn('csrf_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'oidc_sign_ins',
        'oidc_signing_keys',
        'oidc_payloads',
        'oidc_consents',
        'oidc_client_access',
        'oidc_clients',
      ]) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema.alterTable('users').dropColumn('family_name').execute();
      await db.schema.alterTable('users').dropColumn('given_name').execute();
    },
  };
}
