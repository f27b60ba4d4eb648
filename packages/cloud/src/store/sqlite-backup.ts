import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Store } from './connect.js';
import type { Database } from './tables.js';

/**
 * A consistent copy of a live SQLite store. `VACUUM INTO` reads inside one read transaction, so
 * in WAL mode it sees one committed state while the cloud keeps writing, and never blocks it.
 * The destination must not exist.
 */
export function copySqliteOnline(sourceFile: string, destinationFile: string): void {
  const source = new SQLite(sourceFile, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    source.prepare('VACUUM INTO ?').run(destinationFile);
  } finally {
    source.close();
  }
}

/** The result of SQLite's own full check: 'ok', or what is wrong (a damaged file included). */
export function checkSqliteFile(file: string): string {
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((row) => row.integrity_check).join('; ');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    db?.close();
  }
}

/** A read-only view of a SQLite store file (a backup) for schema checks; writes nothing. */
export function openSqliteReadOnly(file: string): Store {
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({
      database: new SQLite(file, { readonly: true, fileMustExist: true }),
    }),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
