import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasRight, mayManageCredentialsOf } from './rights.js';

test('a global admin holds every right and may manage any credentials', () => {
  assert.equal(hasRight(['global_admin'], 'settings.write'), true);
  assert.equal(mayManageCredentialsOf(['global_admin'], ['global_admin']), true);
});

test('a helpdesk admin resets non-admins only and cannot change settings', () => {
  assert.equal(hasRight(['helpdesk_admin'], 'settings.write'), false);
  assert.equal(hasRight(['helpdesk_admin'], 'users.write'), false);
  assert.equal(mayManageCredentialsOf(['helpdesk_admin'], []), true);
  assert.equal(mayManageCredentialsOf(['helpdesk_admin'], ['helpdesk_admin']), false);
  assert.equal(mayManageCredentialsOf(['helpdesk_admin'], ['global_admin']), false);
});

test('a user without roles has no rights', () => {
  assert.equal(hasRight([], 'directory.read'), false);
  assert.equal(mayManageCredentialsOf([], []), false);
});
