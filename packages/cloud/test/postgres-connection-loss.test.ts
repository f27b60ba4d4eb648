import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { PostgresBus } from '../src/relay/postgres-bus.js';
import type { BusMessage } from '../src/relay/relay-bus.js';
import { openStore } from '../src/store/connect.js';
import { postgresBackend } from './helpers/backends.js';

const adminUrl =
  process.env['FERRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('PostgreSQL connections lost under a running node (a restart, crash recovery)', () => {
  let created: Awaited<ReturnType<typeof postgresBackend.create>>;
  let bus: PostgresBus;
  let admin: pg.Client;
  let database: string;

  before(async () => {
    created = await postgresBackend.create();
    database = new URL(created.databaseUrl!).pathname.slice(1);
    bus = await PostgresBus.open(created.databaseUrl!, pino({ level: 'silent' }));
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
  });
  after(async () => {
    await admin?.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
    await admin?.end();
    await bus?.close();
    await created?.destroy();
  });

  test('a connection dropped inside a transaction fails that transaction, not the process', async () => {
    const store = openStore({ databaseUrl: created.databaseUrl!, dataDir: created.dataDir });
    try {
      const transaction = store.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        // The loss arrives while no statement runs on the connection.
        await sleep(500);
        await sql`SELECT 1`.execute(trx);
      });
      await assert.rejects(transaction);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(store.db);
      assert.equal(rows[0]!.one, 1);
    } finally {
      await store.close();
    }
  });

  test('the relay bus listener keeps trying until the database takes connections again (a restart, crash recovery)', async () => {
    const heard: BusMessage[] = [];
    bus.subscribe((message) => heard.push(message));
    // The listener's connection dies, and new ones are refused for longer than one retry.
    await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    await sleep(2_000);
    await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);

    const message: BusMessage = {
      type: 'disconnect_agent',
      agentId: randomUUID(),
      reason: 'bus test',
    };
    for (let attempt = 0; attempt < 100 && heard.length === 0; attempt += 1) {
      await bus.publish(message).catch(() => undefined);
      await sleep(100);
    }
    assert.deepEqual(heard[0], message);
  });
});
