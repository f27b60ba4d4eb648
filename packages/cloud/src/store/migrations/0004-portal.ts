import type { Kysely, Migration } from 'kysely';

/** Portal building blocks: one-time codes, TOTP replay guard, reset flows, throttles. */
export function portalMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('one_time_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('one_time_codes_subject', ['tenant_id', 'purpose', 'subject'])
        .execute();
      await db.schema
        .createTable('totp_steps')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('last_step', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('totp_steps_pk', ['tenant_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('sspr_flows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text')
        .addColumn('upn_lower', 'text', (c) => c.notNull())
        .addColumn('doomed_reason', 'text')
        .addColumn('required', 'integer', (c) => c.notNull())
        .addColumn('gates_json', 'text', (c) => c.notNull())
        .addColumn('passed_json', 'text', (c) => c.notNull())
        .addColumn('questions_json', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema
        .createIndex('sspr_flows_expires')
        .on('sspr_flows')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('sspr_used_challenges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('throttle_counters')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('throttle_counters_pk', ['tenant_id', 'scope', 'subject'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'throttle_counters',
        'sspr_used_challenges',
        'sspr_flows',
        'totp_steps',
        'one_time_codes',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
