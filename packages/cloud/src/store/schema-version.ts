import { sql } from 'kysely';
import type { Store } from './connect.js';
import { migrations } from './migrations/registry.js';

/** Kysely's own bookkeeping table: one row per applied migration. */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * The store was written by a newer Ferry: it holds migrations this node does not know. Running
 * on it could misread or damage data, so the node stops and says which release is needed.
 */
export class SchemaNewerError extends Error {
  override readonly name = 'SchemaNewerError';
  constructor(
    readonly unknown: readonly string[],
    readonly latestKnown: string,
  ) {
    super(
      `the database schema is newer than this node: it has migration ${unknown.join(', ')}, ` +
        `this node knows up to ${latestKnown}. Upgrade this node to the release that wrote ` +
        `the schema (or restore a backup taken before that upgrade); nothing was changed`,
    );
  }
}

export interface SchemaStatus {
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  /** The newest migration this code knows. */
  readonly latestKnown: string;
}

/** The names of all migrations this build carries, in order. */
export function knownMigrations(store: Pick<Store, 'dialect'>): string[] {
  return Object.keys(migrations(store.dialect)).sort();
}

/** Which migrations the store has and which it lacks; throws SchemaNewerError when it is ahead. */
export async function schemaStatus(store: Store): Promise<SchemaStatus> {
  const known = knownMigrations(store);
  const latestKnown = known.at(-1) ?? '';
  const applied = await appliedMigrations(store);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new SchemaNewerError(unknown, latestKnown);
  return { applied, pending: known.filter((name) => !applied.includes(name)), latestKnown };
}

async function appliedMigrations(store: Store): Promise<string[]> {
  const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === MIGRATION_TABLE)) return [];
  const rows = await sql<{
    name: string;
  }>`select name from ${sql.table(MIGRATION_TABLE)} order by name`.execute(store.db);
  return rows.rows.map((row) => row.name);
}
