import type { Kysely, Migration } from 'kysely';

/**
 * The chain of the cloud's operation-signing keys: each row the JWS by which a key endorsed
 * the next one, in order, so an agent that pinned any earlier key can follow it.
 */
export function cloudKeyEndorsementsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('cloud_key_endorsements')
        .addColumn('position', 'integer', (c) => c.primaryKey())
        .addColumn('endorsement', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
