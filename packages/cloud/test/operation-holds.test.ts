import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { claimOperation, recordPriorStamp } from '../src/relay/operation-store.js';
import { pino } from 'pino';
import { OperationHolds } from '../src/relay/operation-holds.js';
import { PostgresBus } from '../src/relay/postgres-bus.js';
import { LocalBus, type RelayBus } from '../src/relay/relay-bus.js';
import { migrateToLatest, openStore, type Store } from '../src/store/connect.js';
import { backends } from './helpers/backends.js';

const TENANT = 'holds-tenant';
const clock = { now: () => new Date() };

for (const backend of backends) {
  describe(`a claim on an operation held for the cloud's check (${backend.name})`, () => {
    let store: Store;
    let destroy: () => Promise<void>;
    let holds: OperationHolds;
    /** Another node's holds, on its own bus connection with PostgreSQL. */
    let elsewhere: OperationHolds;
    const buses: RelayBus[] = [];

    before(async () => {
      const created = await backend.create();
      destroy = created.destroy;
      store = openStore(created);
      await migrateToLatest(store);
      await store.db
        .insertInto('tenants')
        .values({ id: TENANT, name: 'Holds', is_default: 0, created_at: clock.now().toISOString() })
        .execute();
      // Two nodes: two LISTEN connections on PostgreSQL; with SQLite, one process and bus.
      const local = new LocalBus();
      const bus = async (): Promise<RelayBus> =>
        created.databaseUrl
          ? PostgresBus.open(created.databaseUrl, pino({ level: 'silent' }))
          : local;
      buses.push(await bus(), await bus());
      holds = new OperationHolds(store.db, buses[0]!, clock);
      // No time limit to speak of: only the bus can wake its claims.
      elsewhere = new OperationHolds(store.db, buses[1]!, clock, 3_600_000);
    });
    after(async () => {
      holds?.close();
      elsewhere?.close();
      for (const bus of new Set(buses)) await bus.close();
      await store?.close();
      await destroy?.();
    });

    async function heldOperation(): Promise<string> {
      const id = randomUUID();
      const now = clock.now();
      await store.db
        .insertInto('operations')
        .values({
          id,
          tenant_id: TENANT,
          kind: 'admin_reset',
          target_json: '{}',
          requested_by: null,
          state: 'held',
          agent_id: null,
          attempts: 0,
          prior_pwd_last_set: null,
          outcome_code: null,
          outcome_json: null,
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 30_000).toISOString(),
          completed_at: null,
        })
        .execute();
      holds.hold(id);
      return id;
    }

    const claim = (operationId: string, checkPassed: boolean) =>
      claimOperation(store.db, {
        tenantId: TENANT,
        agentId: 'agent-1',
        operationId,
        passwordLastSet: undefined,
        now: clock.now(),
        checkPassed,
      });

    const stateOf = async (id: string) =>
      (
        await store.db
          .selectFrom('operations')
          .select(['state', 'agent_id', 'attempts'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).state;

    test('a claim told the check passed takes the row while it still reads held; one not told cannot', async () => {
      const id = await heldOperation();
      assert.equal(await claim(id, false), false);
      assert.equal(await stateOf(id), 'held');
      assert.equal(await claim(id, true), true);
      assert.equal(await stateOf(id), 'claimed');
      // The hold's own update, coming after, changes nothing.
      await holds.release(id, undefined);
      assert.equal(await stateOf(id), 'claimed');
    });

    test('a claim waiting on the hold hears that the check passed', async () => {
      const id = await heldOperation();
      const waiting = holds.released(id);
      const releasing = holds.release(id, undefined);
      assert.equal(await waiting, true);
      assert.equal(await claim(id, true), true);
      await releasing;
      assert.equal(await stateOf(id), 'claimed');
    });

    test('a claim that arrives as the check passes is told at once', async () => {
      const id = await heldOperation();
      const releasing = holds.release(id, undefined);
      assert.equal(await holds.released(id), true);
      await releasing;
      assert.equal(await claim(id, false), true, 'pending by now');
    });

    test('a refused check cancels the operation: the waiting claim hears no pass and is refused', async () => {
      const id = await heldOperation();
      const waiting = holds.released(id);
      await holds.release(id, { code: 'policy_violation', rules: [] });
      assert.equal(await waiting, false);
      assert.equal(await claim(id, false), false);
      assert.equal(await stateOf(id), 'cancelled');
    });

    test('the stamp an agent reports while its claim waits is kept; a later one changes nothing', async () => {
      const id = await heldOperation();
      const report = (agentId: string, passwordLastSet: string) =>
        recordPriorStamp(store.db, { tenantId: TENANT, agentId, operationId: id, passwordLastSet });
      const prior = async () =>
        (
          await store.db
            .selectFrom('operations')
            .select('prior_pwd_last_set')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).prior_pwd_last_set;
      await report('agent-1', '100');
      assert.equal(await prior(), '100', 'recorded while held');
      await holds.release(id, undefined);
      assert.equal(await claim(id, false), true);
      await report('agent-1', '200');
      await report('agent-2', '300');
      assert.equal(await prior(), '100', 'the first stamp stays');
    });

    test(
      "another node's claim hears the hold end on the bus and is granted once it reads pending",
      { timeout: 30_000 },
      async () => {
        const id = await heldOperation();
        // Another node's hold: that node's holds never heard of it.
        const waiting = elsewhere.released(id);
        assert.equal(await claim(id, false), false);
        await holds.release(id, undefined);
        assert.equal(await waiting, false, 'a hold ended elsewhere reports the row, not a pass');
        assert.equal(await claim(id, false), true);
      },
    );

    test(
      "another node's claim on a hold that ended before it asked is answered from the row",
      { timeout: 30_000 },
      async () => {
        const passed = await heldOperation();
        await holds.release(passed, undefined);
        assert.equal(await elsewhere.released(passed), false);
        assert.equal(await claim(passed, false), true);
        const refused = await heldOperation();
        await holds.release(refused, { code: 'policy_violation', rules: [] });
        assert.equal(await elsewhere.released(refused), false);
        assert.equal(await claim(refused, false), false);
      },
    );

    test('a claim whose bus message is lost stops at the limit, and the row still refuses it', async () => {
      const id = await heldOperation();
      // A node whose bus hears nothing, with a short limit.
      const deaf = new OperationHolds(store.db, new LocalBus(), clock, 20);
      assert.equal(await deaf.released(id), false);
      assert.equal(await claim(id, false), false, 'still held');
      deaf.close();
      await holds.release(id, undefined);
    });

    test(
      'claims of other nodes waiting on many holds each hear their own end',
      { timeout: 30_000 },
      async () => {
        const ids = await Promise.all(Array.from({ length: 20 }, () => heldOperation()));
        const waiting = ids.map((id) => elsewhere.released(id));
        await Promise.all(
          ids.map((id, index) =>
            holds.release(id, index % 2 ? { code: 'policy_violation', rules: [] } : undefined),
          ),
        );
        assert.deepEqual(
          await Promise.all(waiting),
          ids.map(() => false),
        );
        const granted = await Promise.all(ids.map((id) => claim(id, false)));
        assert.deepEqual(
          granted,
          ids.map((_, index) => index % 2 === 0),
        );
      },
    );
  });
}
