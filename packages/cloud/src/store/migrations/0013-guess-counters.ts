import type { Kysely, Migration } from 'kysely';

/**
 * Guess counters in their own table, keyed by surface, subject and source (ADR 0014). The
 * former per-account columns `users.failed_sign_ins` and `sign_in_locked_until` are dropped
 * by migration 0014.
 */
export function guessCountersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('guess_counters')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('surface', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_ends', 'text', (c) => c.notNull())
        .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('guess_counters_pk', ['tenant_id', 'surface', 'subject', 'source'])
        .execute();
      await db.schema
        .createIndex('guess_counters_subject')
        .on('guess_counters')
        .columns(['tenant_id', 'subject'])
        .execute();
    },
  };
}
