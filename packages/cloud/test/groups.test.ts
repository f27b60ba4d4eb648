import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

for (const backend of backends) {
  describe(`groups API on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
    });
    after(() => h.stop());

    test('create, list, read, add and remove members, delete — each audited', async () => {
      const created = await admin.post('/api/v1/groups', {
        name: 'SSPR pilot',
        description: 'first wave',
      });
      assert.equal(created.status, 201);
      const id = created.json.id as string;
      assert.deepEqual(
        (await admin.get('/api/v1/groups')).json.groups.map((g: { name: string }) => g.name),
        ['SSPR pilot'],
      );
      assert.equal((await admin.get(`/api/v1/groups/${id}`)).json.description, 'first wave');
      const member = `/api/v1/groups/${id}/members/${h.helpdesk.id}`;
      assert.equal((await admin.put(member)).status, 200);
      assert.equal((await admin.put(member)).status, 200, 'adding twice is a no-op');
      const members = await admin.get(`/api/v1/groups/${id}/members`);
      assert.deepEqual(
        members.json.members.map((m: { upn: string }) => m.upn),
        [h.helpdesk.upn],
      );
      assert.equal((await admin.delete(member)).status, 200);
      assert.equal((await admin.delete(member)).json.error.code, 'not_found');
      assert.equal((await admin.delete(`/api/v1/groups/${id}`)).status, 200);
      assert.equal((await admin.get(`/api/v1/groups/${id}`)).json.error.code, 'not_found');
      const actions = (await h.auditRows())
        .filter((r) => r.action.startsWith('group.'))
        .map((r) => `${r.action}:${r.result}`);
      assert.deepEqual(actions, [
        'group.create:success',
        'group.member_add:success',
        'group.member_add:success',
        'group.member_remove:success',
        'group.member_remove:not_found',
        'group.delete:success',
      ]);
    });

    test('bad input: empty name, duplicate name, unknown member', async () => {
      assert.equal(
        (await admin.post('/api/v1/groups', { name: '' })).json.error.code,
        'validation_failed',
      );
      await admin.post('/api/v1/groups', { name: 'Staff' });
      const dup = await admin.post('/api/v1/groups', { name: 'STAFF' });
      assert.equal(dup.json.error.code, 'conflict');
      const group = (await admin.get('/api/v1/groups')).json.groups[0].id as string;
      const unknown = await admin.put(`/api/v1/groups/${group}/members/${h.random()}`);
      assert.equal(unknown.json.error.code, 'not_found');
    });

    test('missing rights: a helpdesk admin reads groups but cannot change them', async () => {
      const helpdesk = await h.signedIn(h.helpdesk);
      const groups = await helpdesk.get('/api/v1/groups');
      assert.equal(groups.status, 200);
      const id = groups.json.groups[0].id as string;
      assert.equal((await helpdesk.get(`/api/v1/groups/${id}/members`)).status, 200);
      assert.equal(
        (await helpdesk.post('/api/v1/groups', { name: 'x' })).json.error.code,
        'forbidden',
      );
      assert.equal((await helpdesk.delete(`/api/v1/groups/${id}`)).json.error.code, 'forbidden');
      const add = await helpdesk.put(`/api/v1/groups/${id}/members/${h.helpdesk.id}`);
      assert.equal(add.json.error.code, 'forbidden');
    });

    test('wrong tenant: groups of another tenant are invisible and untouchable', async () => {
      const id = (await admin.get('/api/v1/groups')).json.groups[0].id as string;
      const other = await h.signedIn(h.otherGlobal);
      assert.deepEqual((await other.get('/api/v1/groups')).json.groups, []);
      assert.equal((await other.get(`/api/v1/groups/${id}`)).json.error.code, 'not_found');
      assert.equal((await other.get(`/api/v1/groups/${id}/members`)).json.error.code, 'not_found');
      assert.equal((await other.delete(`/api/v1/groups/${id}`)).json.error.code, 'not_found');
      const add = await other.put(`/api/v1/groups/${id}/members/${h.otherGlobal.id}`);
      assert.equal(add.json.error.code, 'not_found');
      const cross = await admin.put(`/api/v1/groups/${id}/members/${h.otherGlobal.id}`);
      assert.equal(cross.json.error.code, 'not_found', "a user of another tenant can't be added");
      const remove = await other.delete(`/api/v1/groups/${id}/members/${h.helpdesk.id}`);
      assert.equal(remove.json.error.code, 'not_found');
    });
  });
}
