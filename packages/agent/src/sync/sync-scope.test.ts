import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeDn, SyncScope } from './sync-scope.js';

const base = 'DC=corp,DC=example,DC=test';

test('DNs compare without case and separator spaces', () => {
  assert.equal(normalizeDn('OU=Staff, DC=Corp ,DC = example'), 'ou=staff,dc=corp,dc=example');
});

test('an empty include list means the whole base DN', () => {
  const scope = new SyncScope(base, [], []);
  assert.deepEqual(scope.searchBases, [base]);
  assert.equal(scope.contains(`CN=a,OU=x,${base}`), true);
  assert.equal(scope.contains('CN=a,DC=other,DC=test'), false);
});

test('included OUs, minus excluded ones; nested includes are read once', () => {
  const staff = `OU=Staff,${base}`;
  const scope = new SyncScope(base, [staff, `OU=Tests,${staff}`], [`OU=Bulk,${staff}`]);
  assert.deepEqual(scope.searchBases, [staff]);
  assert.equal(scope.contains(`CN=a,OU=Tests,ou=staff,${base}`), true);
  assert.equal(scope.contains(`CN=b,OU=Bulk,${staff}`), false);
  assert.equal(scope.contains(`CN=c,OU=Outside,${base}`), false);
  // A name that merely ends like the OU is not inside it.
  assert.equal(scope.contains(`CN=d,OU=NotStaff,${base}`), false);
});
