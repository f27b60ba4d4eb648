import type { Kysely, Migration } from 'kysely';

/**
 * "Require registration at next sign-in": when each user last reviewed their methods. The
 * tenant's request itself is a settings document (registration_review).
 */
export function registrationReviewMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('registration_reviews')
        .addColumn('user_id', 'text', (c) =>
          c.primaryKey().references('users.id').onDelete('cascade'),
        )
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('reviewed_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
