import type { Kysely, Migration } from 'kysely';

/**
 * Drops the per-account failure counter that guess counters replaced (ADR 0014, migration
 * 0013): `users.failed_sign_ins` and `users.sign_in_locked_until` were no longer read, only
 * reset. SQLite (3.35+) and PostgreSQL both drop a plain column in place. Closed guess
 * counters are purged by their window's end, so it gets an index.
 */
export function retiredSignInColumnsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['failed_sign_ins', 'sign_in_locked_until']) {
        await db.schema.alterTable('users').dropColumn(column).execute();
      }
      await db.schema
        .createIndex('guess_counters_window_ends')
        .on('guess_counters')
        .column('window_ends')
        .execute();
    },
  };
}
