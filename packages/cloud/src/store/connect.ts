import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.js';
import { migrations } from './migrations/registry.js';
import { schemaStatus } from './schema-version.js';
import { withStatementCache } from './statement-cache.js';
import type { Database } from './tables.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export const SQLITE_FILE = 'ferry.sqlite';

/** Opens PostgreSQL when a URL is given, else the embedded SQLite file under the data folder. */
export function openStore(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** SQLite only; see the `sqliteSynchronous` setting. */
  sqliteSynchronous?: 'normal' | 'full';
  /** Told of every query: its SQL text (for the statement label), duration, and failure. */
  onQuery?: QueryObserver;
}): Store {
  const log = options.onQuery && queryLog(options.onQuery);
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server drops (restart, failover) is discarded by the pool; without
    // a listener its error would crash the process. The next query opens a new connection.
    pool.on('error', () => undefined);
    // A connection checked out (a transaction between two statements) has no pool listener:
    // a server restart then emitted an unhandled 'error' and killed the node (fault suite).
    // The statement in flight fails on its own, and the pool drops the client at release.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      ...(log ? { log } : {}),
    });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const filePath = path.join(options.dataDir, SQLITE_FILE);
  // Created 0600 up front: SQLite gives its -wal and -shm files the same mode.
  if (!existsSync(filePath)) writeFileSync(filePath, '', { mode: 0o600 });
  const file = new SQLite(filePath);
  file.pragma('journal_mode = WAL');
  // In WAL mode NORMAL skips the fsync per commit (about 2 ms each here, several per password
  // operation) and still cannot corrupt the file; see ADR 0004.
  file.pragma(`synchronous = ${options.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  file.pragma('foreign_keys = ON');
  file.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(file) }),
    ...(log ? { log } : {}),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

export type QueryObserver = (sqlText: string, seconds: number, failed: boolean) => void;

function queryLog(observe: QueryObserver): (event: LogEvent) => void {
  return (event) =>
    observe(event.query.sql, event.queryDurationMillis / 1000, event.level === 'error');
}

/**
 * Brings the schema to the latest migration and returns the names it applied (none when the
 * store is current: each migration runs once, Kysely records it and locks against other nodes).
 * Refuses, changing nothing, when the store is newer than this code (SchemaNewerError); else
 * fails with the migration's own error.
 */
export async function migrateToLatest(store: Store): Promise<string[]> {
  await schemaStatus(store);
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: () => Promise.resolve(migrations(store.dialect)) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}

/** 0/1 columns to booleans and back (SQLite has no boolean type). */
export const toBool = (value: number): boolean => value === 1;
export const fromBool = (value: boolean): number => (value ? 1 : 0);
