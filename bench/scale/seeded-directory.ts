import { Secret } from '@ferry/protocol';
import { sql } from 'kysely';
import pg from 'pg';
import { hashPassword } from '../../packages/cloud/src/crypto/password-hash.js';
import { ensureDefaultTenant } from '../../packages/cloud/src/directory/tenants.js';
import { migrateToLatest, openStore } from '../../packages/cloud/src/store/connect.js';
import { migrations } from '../../packages/cloud/src/store/migrations/registry.js';
import { systemClock, systemRandom } from '../../packages/cloud/src/util/clock.js';
import { insertBulkUsers } from '../../packages/cloud/test/helpers/bulk-users.js';

const serverUrl = process.env['FERRY_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const databaseUrl = (name: string): string => `${serverUrl}/${name}`;

/** The password every seeded user has (one Argon2 hash shared by all). */
export const SEEDED_PASSWORD = 'Seeded-Scale-Passw0rd!';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty PostgreSQL database `name` on the bench's server (dropped first if it exists). */
export async function freshDatabase(
  name: string,
): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const drop = async () => {
    await admin((client) => client.query(`drop database if exists ${name} with (force)`));
  };
  await drop();
  await admin((client) => client.query(`create database ${name}`));
  return { databaseUrl: databaseUrl(name), drop };
}

/**
 * A PostgreSQL database holding `users` cloud users, seeded once through the store (migrated
 * schema, default tenant, multi-row INSERTs) and kept between bench runs: a marker table says
 * the seed finished. Each run works on a copy (CREATE DATABASE … TEMPLATE), so what a run
 * writes (admin, sessions, flows, audit) never reaches the seed.
 */
export async function seededDirectoryCopy(
  users: number,
  log: (line: string) => void,
): Promise<{ databaseUrl: string; seededSeconds: number | null; drop(): Promise<void> }> {
  const seed = `ferry_bench_users_${users}`;
  const run = `ferry_bench_users_run`;
  const exists = await admin(
    async (client) =>
      (await client.query('select 1 from pg_database where datname = $1', [seed])).rowCount === 1,
  );
  let complete = false;
  if (exists) {
    const client = new pg.Client({ connectionString: databaseUrl(seed) });
    await client.connect();
    complete =
      (await client.query(`select to_regclass('ferry_bench_seed') as marker`)).rows[0].marker !==
      null;
    // A seed made under an older migration set is brought forward (a migration added since
    // runs on the kept seed, as on an operator's database); one renumbered since is remade.
    if (complete) {
      const applied = (
        await client.query<{ name: string }>('select name from kysely_migration order by name')
      ).rows.map((row) => row.name);
      const current = Object.keys(migrations('postgres')).sort();
      complete = applied.every((name, index) => current[index] === name);
      if (complete && applied.length < current.length) {
        log(
          `scale: migrating the kept seed ${seed} forward (${current.slice(applied.length).join(', ')})`,
        );
        const store = openStore({ databaseUrl: databaseUrl(seed), dataDir: '/nonexistent' });
        try {
          await migrateToLatest(store);
          await sql`vacuum analyze users`.execute(store.db);
        } finally {
          await store.close();
        }
      }
    }
    await client.end();
  }
  let seededSeconds: number | null = null;
  if (!complete) {
    log(`scale: seeding ${users} users into ${seed} (kept for later runs)`);
    await admin((client) => client.query(`drop database if exists ${seed} with (force)`));
    await admin((client) => client.query(`create database ${seed}`));
    const store = openStore({ databaseUrl: databaseUrl(seed), dataDir: '/nonexistent' });
    try {
      await migrateToLatest(store);
      const tenantId = await ensureDefaultTenant(store.db, systemClock, systemRandom);
      const hash = await hashPassword(Secret.of(SEEDED_PASSWORD));
      const started = performance.now();
      await insertBulkUsers(store.db, tenantId, { from: 0, to: users }, hash, (done) => {
        if (done % 100_000 === 0) log(`scale: ${done} users seeded`);
      });
      seededSeconds = Math.round((performance.now() - started) / 100) / 10;
      // Flushes the GIN pending lists and gives the planner the table's statistics.
      await sql`vacuum analyze users`.execute(store.db);
      await sql`create table ferry_bench_seed (users integer not null)`.execute(store.db);
      await sql`insert into ferry_bench_seed values (${users})`.execute(store.db);
    } finally {
      await store.close();
    }
  }
  log('scale: copying the seeded database for this run');
  await admin((client) => client.query(`drop database if exists ${run} with (force)`));
  await admin((client) => client.query(`create database ${run} template ${seed}`));
  return {
    databaseUrl: databaseUrl(run),
    seededSeconds,
    drop: async () => {
      await admin((client) => client.query(`drop database if exists ${run} with (force)`));
    },
  };
}
