import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BerReader } from 'ldapts';
import { Secret } from '@ferry/protocol';
import { parsePpolicyResponse } from './ppolicy-control.js';
import { passwordModifyRequest } from './password-modify.js';
import { matchesStoredPassword } from './password-history.js';

const parse = (hex: string) => parsePpolicyResponse(new BerReader(Buffer.from(hex, 'hex')));

test('ppolicy response values: error, grace logins left, time before expiration, empty', () => {
  assert.deepEqual(parse('3003810106'), { error: 'passwordTooShort' });
  assert.deepEqual(parse('3003810101'), { error: 'accountLocked' });
  assert.deepEqual(parse('3005a003810102'), { graceAuthNsRemaining: 2 });
  assert.deepEqual(parse('3006a00480020e10'), { timeBeforeExpiration: 3600 });
  assert.deepEqual(parse('3008a003810100810100'), {
    graceAuthNsRemaining: 0,
    error: 'passwordExpired',
  });
  assert.deepEqual(parse('3008a00381'), {}); // truncated: ignored, not a hang
  assert.deepEqual(parse('3000'), {});
});

test('Password Modify request value (RFC 3062): [0] identity, [1] old, [2] new', () => {
  const value = passwordModifyRequest({
    userDn: 'uid=a',
    oldPassword: Secret.of('o'),
    newPassword: Secret.of('n'),
  });
  assert.equal(
    value.toString('hex'),
    '300d' +
      '8005' +
      Buffer.from('uid=a').toString('hex') +
      '81016f' +
      '81016e'.replace('81', '82'),
  );
  assert.equal(
    passwordModifyRequest({ newPassword: Secret.of('n') }).toString('hex'),
    '300382016e',
  );
});

test('stored passwords: {SSHA} from slappasswd, a pwdHistory value, cleartext; other schemes never match', () => {
  const ssha = '{SSHA}VBkxtX7SMMliHO3YbyKT/HTD/5mRj7ZK'; // slappasswd -h {SSHA} -s 'Old#Pass-1'
  assert.ok(matchesStoredPassword(Secret.of('Old#Pass-1'), [ssha]));
  assert.ok(!matchesStoredPassword(Secret.of('Old#Pass-2'), [ssha]));
  const history = `20261203145239Z#1.3.6.1.4.1.1466.115.121.1.40#38#${ssha}`;
  assert.ok(matchesStoredPassword(Secret.of('Old#Pass-1'), [history]));
  assert.ok(matchesStoredPassword(Secret.of('plain'), ['plain']));
  assert.ok(!matchesStoredPassword(Secret.of('Old#Pass-1'), ['{CRYPT}abc']));
});
