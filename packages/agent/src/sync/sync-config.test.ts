import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSyncConfig } from './sync-config.js';

test('defaults: AD page size, Entra delete threshold, 2 s polling, notification on', () => {
  const config = parseSyncConfig();
  assert.equal(config.pageSize, 1_000);
  assert.equal(config.deleteThreshold, 500);
  assert.equal(config.pollIntervalMs, 2_000);
  assert.equal(config.debounceMs, 200);
  assert.equal(config.notification, true);
});

test('a filter gets its parentheses; a broken one is refused', () => {
  assert.equal(parseSyncConfig({ filter: 'department=Sales' }).filter, '(department=Sales)');
  assert.throws(() => parseSyncConfig({ filter: '(department=Sales' }), /LDAP filter/);
});

test('extra attributes may not shadow the mapping or ask for password attributes', () => {
  assert.deepEqual(parseSyncConfig({ extraAttributes: ['department'] }).extraAttributes, [
    'department',
  ]);
  assert.throws(() => parseSyncConfig({ extraAttributes: ['unicodePwd'] }));
  assert.throws(() => parseSyncConfig({ extraAttributes: ['mail'] }));
});
