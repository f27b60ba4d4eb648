import type { Kysely, Migration } from 'kysely';

/**
 * My Account sessions say where they come from, so the user can list and end them (ASVS
 * 3.3.4): when the session started, the browser's user agent, the source address and when it
 * was last used. Sessions opened before have none of these (null) and still list.
 */
export function userSessionDetailsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['started_at', 'user_agent', 'source_ip', 'last_seen_at']) {
        await db.schema.alterTable('user_sessions').addColumn(column, 'text').execute();
      }
    },
  };
}
