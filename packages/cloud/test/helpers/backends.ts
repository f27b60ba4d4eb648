import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** A store the suite runs against: a fresh SQLite folder or a fresh PostgreSQL database. */
export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** Makes an empty store; returns its settings and a function that removes it. */
  create(): Promise<{ dataDir: string; databaseUrl?: string; destroy(): Promise<void> }>;
}

const adminUrl =
  process.env['FERRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl} (${(error as Error).message}); ` +
        'start it with `bash scripts/peers/postgres.sh`',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  create: async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-cloud-test-'));
    return { dataDir, destroy: async () => rmSync(dataDir, { recursive: true, force: true }) };
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  create: async () => {
    const name = `ferry_test_${randomBytes(6).toString('hex')}`;
    await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-cloud-test-'));
    return {
      dataDir,
      databaseUrl: url.toString(),
      destroy: async () => {
        await withAdminClient((client) =>
          client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        );
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** Every test file runs its suite once per backend. */
export const backends: readonly Backend[] = [sqliteBackend, postgresBackend];
