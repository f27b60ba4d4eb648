import type { Kysely, Migration } from 'kysely';

/** Directory sync: the tenant's cursor, leader lease and delete threshold; runs; users' last run. */
export function syncMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sync_state')
        .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
        .addColumn('cursor_json', 'text')
        .addColumn('delete_threshold', 'integer', (c) => c.notNull().defaultTo(500))
        .addColumn('confirmed_deletes', 'integer')
        .addColumn('leader_agent_id', 'text')
        .addColumn('lease_expires_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sync_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('agent_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('from_cursor_json', 'text')
        .addColumn('to_cursor_json', 'text', (c) => c.notNull())
        .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('soft_matched', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('pending_deletes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema
        .createIndex('sync_runs_tenant_started')
        .on('sync_runs')
        .columns(['tenant_id', 'started_at'])
        .execute();
      await db.schema.alterTable('users').addColumn('sync_run_id', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('sync_runs').execute();
      await db.schema.dropTable('sync_state').execute();
    },
  };
}
