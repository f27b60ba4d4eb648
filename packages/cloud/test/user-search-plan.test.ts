import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ensureDefaultTenant } from '../src/directory/tenants.js';
import { listUsers, userListQuery, type UserListOptions } from '../src/directory/users.js';
import { migrateToLatest, openStore, type Store } from '../src/store/connect.js';
import { systemClock, systemRandom } from '../src/util/clock.js';
import { postgresBackend } from './helpers/backends.js';
import { bulkUserNames, insertBulkUsers } from './helpers/bulk-users.js';

const USERS = 20_000;

/** Every node of an EXPLAIN (FORMAT JSON) plan, depth first. */
function planNodes(plan: Record<string, unknown>): Array<Record<string, unknown>> {
  const children = (plan['Plans'] as Array<Record<string, unknown>> | undefined) ?? [];
  return [plan, ...children.flatMap(planNodes)];
}

/**
 * The admin user list on PostgreSQL keeps using its indexes (docs/design/cloud-core.md,
 * "Scale"): with 20,000 users analysed (where a sequential scan already costs more), a selective search must be a bitmap scan of the
 * trigram indexes of migration 0008, and a page deep in the list a scan of the (tenant, UPN)
 * index in order. Dropping an index, or a query the index cannot serve (lower() moved, an
 * OFFSET instead of the keyset), changes the plan and fails here.
 */
describe('user list query plans on postgres', () => {
  let store: Store;
  let destroy: () => Promise<void>;
  let tenantId: string;

  before(async () => {
    const created = await postgresBackend.create();
    destroy = created.destroy;
    store = openStore({ databaseUrl: created.databaseUrl, dataDir: created.dataDir });
    await migrateToLatest(store);
    tenantId = await ensureDefaultTenant(store.db, systemClock, systemRandom);
    await insertBulkUsers(store.db, tenantId, { from: 0, to: USERS }, null);
    // VACUUM moves the bulk insert out of the GIN indexes' pending lists (which the planner
    // prices as a scan of every pending entry), as autovacuum does after a large sync.
    await sql`vacuum analyze users`.execute(store.db);
  });
  after(async () => {
    await store.close();
    await destroy();
  });

  async function plan(options: UserListOptions): Promise<Array<Record<string, unknown>>> {
    const rows = await userListQuery(store.db, tenantId, options).explain('json');
    const root = (rows[0] as { 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> })[
      'QUERY PLAN'
    ][0]!.Plan;
    return planNodes(root);
  }

  const indexesUsed = (nodes: Array<Record<string, unknown>>): unknown[] =>
    nodes.map((node) => node['Index Name']).filter(Boolean);

  test('a UPN prefix search is a bitmap scan of both trigram indexes', async () => {
    const target = bulkUserNames(12_345);
    const search = target.upn.slice(0, target.upn.indexOf('@'));
    const nodes = await plan({ search, limit: 50 });
    assert.deepEqual(
      indexesUsed(nodes).sort(),
      ['users_name_trgm', 'users_upn_trgm'],
      JSON.stringify(nodes.map((node) => node['Node Type'])),
    );
    assert.equal(
      nodes.some((node) => node['Node Type'] === 'Seq Scan'),
      false,
    );
    const found = await listUsers(store.db, tenantId, { search, limit: 50 });
    assert.deepEqual(
      found.users.map((user) => user.upn),
      [target.upn],
    );
  });

  test('a name substring search is served by the trigram indexes', async () => {
    const search = 'la jans';
    const expected = Array.from({ length: USERS }, (_, n) => bulkUserNames(n))
      .filter((user) => user.displayName.toLowerCase().includes(search))
      .map((user) => user.upn);
    const nodes = await plan({ search, limit: 50 });
    assert.ok(indexesUsed(nodes).includes('users_name_trgm'), JSON.stringify(nodes));
    const found = await listUsers(store.db, tenantId, { search, limit: 50 });
    assert.ok(expected.length > 0);
    assert.deepEqual(found.users.map((user) => user.upn).sort(), expected.sort());
  });

  test('a page deep in the list walks the (tenant, UPN) index in order, without a sort', async () => {
    // The expected order is the server's collation, read here in one sorted pass.
    const sorted = (
      await store.db.selectFrom('users').select('upn').orderBy('upn_lower').execute()
    ).map((row) => row.upn);
    const cursor = sorted[USERS - 100]!;
    const nodes = await plan({ after: cursor, limit: 50 });
    assert.deepEqual(indexesUsed(nodes), ['users_tenant_upn'], JSON.stringify(nodes));
    assert.equal(
      nodes.some((node) => node['Node Type'] === 'Sort'),
      false,
    );
    const page = await listUsers(store.db, tenantId, { after: cursor, limit: 50 });
    assert.deepEqual(
      page.users.map((user) => user.upn),
      sorted.slice(USERS - 99, USERS - 49),
    );
  });
});
