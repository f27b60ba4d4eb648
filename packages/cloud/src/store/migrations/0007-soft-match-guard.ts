import type { Kysely, Migration } from 'kysely';

/** Sync runs count the directory users left out because their UPN is an admin's cloud account. */
export function softMatchGuardMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('sync_runs')
        .addColumn('soft_match_blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
