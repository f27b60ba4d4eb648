import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { claimOperation, recordPriorStamp } from '../src/relay/operation-store.js';
import { OperationHolds } from '../src/relay/operation-holds.js';
import { migrateToLatest, openStore, type Store } from '../src/store/connect.js';
import { backends } from './helpers/backends.js';

const TENANT = 'holds-tenant';
const clock = { now: () => new Date() };

for (const backend of backends) {
  describe(`a claim on an operation held for the cloud's check (${backend.name})`, () => {
    let store: Store;
    let destroy: () => Promise<void>;
    let holds: OperationHolds;

    before(async () => {
      const created = await backend.create();
      destroy = created.destroy;
      store = openStore(created);
      await migrateToLatest(store);
      await store.db
        .insertInto('tenants')
        .values({ id: TENANT, name: 'Holds', is_default: 0, created_at: clock.now().toISOString() })
        .execute();
      holds = new OperationHolds(store.db, clock);
    });
    after(async () => {
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

    test("another node's claim polls the row and is granted once it reads pending", async () => {
      const id = await heldOperation();
      // Another node's hold: this node's holds never heard of it.
      const elsewhere = new OperationHolds(store.db, clock);
      const polling = elsewhere.released(id);
      assert.equal(await claim(id, false), false);
      await holds.release(id, undefined);
      assert.equal(await polling, false, 'a polled hold reports the row, not a pass');
      assert.equal(await claim(id, false), true);
    });
  });
}
