import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Enough for every query shape the cloud runs; IN lists of many lengths age out. */
const CAPACITY = 1_000;

/**
 * The SQLite file as Kysely sees it, with prepared statements kept by SQL text. Kysely
 * prepares every query anew; preparing costs about 0.1 ms here, and a password operation
 * runs some 16 queries whose SQL never changes. SQLite re-prepares a kept statement itself
 * when a migration changes the schema.
 */
export function withStatementCache(file: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => file.close(),
    prepare(sql) {
      const kept = statements.get(sql);
      // A statement still iterating (a streamed select) cannot run again until it ends.
      if (kept?.busy) return file.prepare(sql);
      if (kept) {
        statements.delete(sql); // most recently used last: the oldest go first
        statements.set(sql, kept);
        return kept;
      }
      const statement = file.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > CAPACITY) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}
