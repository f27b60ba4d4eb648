import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Indexes for the admin user search at a million users (docs/design/cloud-core.md, "Scale").
 * PostgreSQL: trigram GIN indexes on the two searched expressions, so `like '%term%'` is a
 * bitmap index scan instead of a scan of the whole table. SQLite has no trigram index: its
 * search keeps walking the (tenant, UPN) index, which is fine at the sizes SQLite is meant for.
 */
export function userSearchMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`create extension if not exists pg_trgm`.execute(db);
      await sql`create index users_upn_trgm on users using gin (upn_lower gin_trgm_ops)`.execute(
        db,
      );
      await sql`create index users_name_trgm on users using gin (lower(display_name) gin_trgm_ops)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`drop index if exists users_name_trgm`.execute(db);
      await sql`drop index if exists users_upn_trgm`.execute(db);
    },
  };
}
