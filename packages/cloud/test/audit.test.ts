import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

for (const backend of backends) {
  describe(`audit log API on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
      for (const name of ['A', 'B', 'C']) {
        h.clock.advance(60_000);
        await admin.post('/api/v1/groups', { name });
      }
      await admin.post('/api/v1/groups', { name: 'a' });
    });
    after(() => h.stop());

    test('newest first, filtered by action and result, keyset-paged without overlap', async () => {
      const all = await admin.get('/api/v1/audit?action=group.create');
      assert.equal(all.status, 200);
      assert.deepEqual(
        all.json.events.map((e: { result: string }) => e.result),
        ['conflict', 'success', 'success', 'success'],
      );
      const event = all.json.events[1];
      assert.equal(event.actor.id, h.global.id);
      assert.equal(event.target.name, 'C');
      assert.equal(event.sourceIp, '127.0.0.1');
      const page1 = await admin.get('/api/v1/audit?action=group.create&result=success&limit=2');
      assert.equal(page1.json.events.length, 2);
      const page2 = await admin.get(
        `/api/v1/audit?action=group.create&result=success&limit=2&before=${page1.json.nextCursor}`,
      );
      assert.equal(page2.json.events.length, 1);
      assert.equal(page2.json.nextCursor, null);
      assert.deepEqual(
        [...page1.json.events, ...page2.json.events].map(
          (e: { target: { name: string } }) => e.target.name,
        ),
        ['C', 'B', 'A'],
      );
    });

    test('filters by actor, target and time window', async () => {
      const byActor = await admin.get(`/api/v1/audit?actorId=${h.global.id}&action=admin.sign_in`);
      assert.equal(byActor.json.events.length, 1);
      const b = (await admin.get('/api/v1/audit?action=group.create')).json.events[2];
      const byTarget = await admin.get(`/api/v1/audit?targetId=${b.target.id}`);
      assert.deepEqual(
        byTarget.json.events.map((e: { id: string }) => e.id),
        [b.id],
      );
      const window = await admin.get(
        `/api/v1/audit?action=group.create&from=${encodeURIComponent(b.at)}&to=${encodeURIComponent(new Date(Date.parse(b.at) + 1).toISOString())}`,
      );
      assert.deepEqual(
        window.json.events.map((e: { id: string }) => e.id),
        [b.id],
      );
    });

    test('bad input: bad time, bad limit', async () => {
      const time = await admin.get('/api/v1/audit?from=yesterday');
      assert.equal(time.json.error.code, 'validation_failed');
      assert.equal(time.json.error.issues[0].path, 'querystring.from');
      assert.equal((await admin.get('/api/v1/audit?limit=0')).json.error.code, 'validation_failed');
    });

    test('missing rights and wrong tenant', async () => {
      const helpdesk = await h.signedIn(h.helpdesk);
      assert.equal((await helpdesk.get('/api/v1/audit')).json.error.code, 'forbidden');
      const other = await h.signedIn(h.otherGlobal);
      const theirs = await other.get('/api/v1/audit');
      assert.ok(theirs.json.events.length > 0);
      for (const event of theirs.json.events) assert.equal(event.actor.id, h.otherGlobal.id);
    });

    test('the store refuses to update or delete audit rows', async () => {
      const { db } = h.cloud.services;
      await assert.rejects(
        db.updateTable('audit_events').set({ result: 'success' }).execute(),
        /append-only/,
      );
      await assert.rejects(db.deleteFrom('audit_events').execute(), /append-only/);
      assert.ok((await h.auditRows()).length > 0);
    });
  });
}
