import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncedUserSchema } from '@ferry/protocol';
import { guidStringToBytes } from '../directory/index.js';
import { toSyncedUser } from './synced-user-mapping.js';

const guid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

test('an AD entry maps to a SyncedUser the wire schema accepts', () => {
  const user = toSyncedUser(
    {
      dn: 'CN=Ana,OU=Staff,DC=corp',
      objectGUID: guidStringToBytes(guid),
      userPrincipalName: 'ana@corp',
      sAMAccountName: 'ana',
      userAccountControl: '514',
      'msDS-User-Account-Control-Computed': '16',
      lockoutTime: '133000000000000000',
      pwdLastSet: '0',
      memberOf: ['CN=G1,DC=corp', 'CN=G2,DC=corp'],
      department: 'Sales',
    },
    ['department', 'title'],
  );
  assert.deepEqual(syncedUserSchema.parse(user), user);
  assert.equal(user.sourceAnchor, guid);
  assert.equal(user.enabled, false);
  assert.equal(user.lockedOut, true);
  assert.equal(user.lockoutTime, '2022-06-18T04:26:40.000Z');
  assert.equal(user.mustChangePassword, true);
  assert.equal(user.passwordLastSet, null);
  assert.deepEqual(user.groups, ['CN=G1,DC=corp', 'CN=G2,DC=corp']);
  assert.deepEqual(user.extra, { department: ['Sales'] });
  assert.equal(user.mail, null);
});

test('without the computed flag, a non-zero lockoutTime means locked', () => {
  const base = {
    dn: 'CN=B,DC=corp',
    objectGUID: guidStringToBytes(guid),
    userAccountControl: '512',
  };
  assert.equal(toSyncedUser({ ...base, lockoutTime: '0' }, []).lockedOut, false);
  assert.equal(toSyncedUser({ ...base, lockoutTime: '133000000000000000' }, []).lockedOut, true);
  assert.equal(toSyncedUser(base, []).enabled, true);
});

test('the wire schema refuses fields it does not know, such as a password', () => {
  const user = toSyncedUser(
    { dn: 'CN=C,DC=corp', objectGUID: guidStringToBytes(guid), userAccountControl: '512' },
    [],
  );
  assert.throws(() => syncedUserSchema.parse({ ...user, unicodePwd: 'x' }));
});
