import type { Kysely, Migration } from 'kysely';

/** Agents, their enrollment tokens, relayed operations and the cloud's signing key. */
export function agentsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agent_enrollment_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text')
        .addColumn('used_by_agent', 'text')
        .execute();

      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('hostname', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('encryption_key_json', 'text', (c) => c.notNull())
        .addColumn('signing_key_json', 'text', (c) => c.notNull())
        .addColumn('keys_rotated_at', 'text')
        .addColumn('keys_rotation_requested_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text')
        .addColumn('connected_at', 'text')
        .addColumn('last_seen_at', 'text')
        .addColumn('status_json', 'text')
        .addColumn('operations_served', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agents_tenant').on('agents').columns(['tenant_id']).execute();

      await db.schema
        .createTable('operations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target_json', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('prior_pwd_last_set', 'text')
        .addColumn('outcome_code', 'text')
        .addColumn('outcome_json', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema
        .createIndex('operations_tenant_created')
        .on('operations')
        .columns(['tenant_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('cloud_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('private_sealed', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['operations', 'agents', 'agent_enrollment_tokens', 'cloud_keys']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
