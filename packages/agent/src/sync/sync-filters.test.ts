import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterParser } from 'ldapts';
import {
  changedObjectsFilter,
  membersFilter,
  scopedUserFilter,
  tombstoneFilter,
} from './sync-filters.js';

test('filters are valid LDAP and carry the mark and the extra condition', () => {
  const filters = [
    scopedUserFilter('(department=Sales)', 43n),
    changedObjectsFilter(43n),
    membersFilter(undefined, ['CN=A (old),OU=G,DC=corp', 'CN=B\\, Ltd,DC=corp']),
    tombstoneFilter(43n),
  ];
  for (const filter of filters) assert.doesNotThrow(() => FilterParser.parseString(filter), filter);
  assert.equal(
    scopedUserFilter('(department=Sales)', 43n),
    '(&(uSNChanged>=43)(objectCategory=person)(objectClass=user)(department=Sales))',
  );
  assert.equal(scopedUserFilter(undefined), '(&(objectCategory=person)(objectClass=user))');
});

test('group DNs are escaped inside memberOf clauses', () => {
  assert.equal(
    membersFilter(undefined, ['CN=A (old),DC=corp']),
    '(&(objectCategory=person)(objectClass=user)(|(memberOf=CN=A \\28old\\29,DC=corp)))',
  );
});
