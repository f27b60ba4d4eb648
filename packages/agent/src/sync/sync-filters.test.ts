import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterParser } from 'ldapts';
import {
  changedObjectsFilter,
  membersFilter,
  scopedUserFilter,
  tombstoneFilter,
  usnClause,
} from './sync-filters.js';

test('filters are valid LDAP and carry the mark and the extra condition', () => {
  const filters = [
    scopedUserFilter('(department=Sales)', '(uSNChanged>=43)'),
    changedObjectsFilter(usnClause({ from: 43n, to: 45n }, 500).clause),
    membersFilter(undefined, ['CN=A (old),OU=G,DC=corp', 'CN=B\\, Ltd,DC=corp']),
    tombstoneFilter(usnClause({ from: 43n, to: 45n }, 500).clause),
  ];
  for (const filter of filters) assert.doesNotThrow(() => FilterParser.parseString(filter), filter);
  assert.equal(
    scopedUserFilter('(department=Sales)', '(uSNChanged>=43)'),
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

test('a narrow USN span is read as the list of its USNs (indexed on Samba), a wide one as a range', () => {
  assert.deepEqual(usnClause({ from: 43n, to: 45n }, 500), {
    clause: '(|(uSNChanged=43)(uSNChanged=44)(uSNChanged=45))',
    lookup: 'usn_list',
  });
  assert.deepEqual(usnClause({ from: 43n, to: 43n }, 1), {
    clause: '(|(uSNChanged=43))',
    lookup: 'usn_list',
  });
  // One past the limit, and the limit 0 (lists off): the range.
  assert.deepEqual(usnClause({ from: 43n, to: 543n }, 500), {
    clause: '(uSNChanged>=43)',
    lookup: 'usn_range',
  });
  assert.deepEqual(usnClause({ from: 43n, to: 45n }, 0), {
    clause: '(uSNChanged>=43)',
    lookup: 'usn_range',
  });
  assert.equal(
    changedObjectsFilter('(|(uSNChanged=43))'),
    '(&(|(uSNChanged=43))(|(&(objectCategory=person)(objectClass=user))(objectCategory=group)))',
  );
});
