import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, type DirectoryPolicy } from '@ferry/protocol';
import {
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  UnwillingToPerformError,
} from 'ldapts';
import { translateOpenLdapFailure, type OpenLdapContext } from './openldap-outcomes.js';
import { LOCKED_FOR_EVER, type OpenLdapAccount } from './openldap-user.js';

const now = new Date('2026-12-03T12:00:00Z');
const policy: DirectoryPolicy = {
  minLength: 8,
  historyLength: 5,
  minAgeSeconds: 86_400,
  maxAgeSeconds: 0,
  complexity: false,
  lockoutThreshold: 3,
  lockoutDurationSeconds: 1_800,
  lockoutObservationSeconds: 1_800,
  source: { kind: 'domain', dn: 'cn=default,ou=policies,dc=ferry,dc=test' },
};
const user: OpenLdapAccount = {
  dn: 'uid=jdoe,ou=people,dc=ferry,dc=test',
  objectGUID: 'e8ac659e-8374-1041-84d0-6310cc4f72b4',
  sAMAccountName: 'jdoe',
  userPrincipalName: 'jdoe@ferry.test',
  displayName: 'J Doe',
  enabled: true,
  passwordNeverExpires: false,
  mustChangePassword: false,
  passwordLastSet: new Date('2026-12-03T10:00:00Z'),
  passwordLastSetStamp: '20261203100000Z',
  accountExpires: undefined,
  protected: false,
  lockedOut: true,
  passwordExpired: false,
  resultantPsoDn: undefined,
  lockedTime: '20261203115000Z',
  policyDn: undefined,
};
const change: OpenLdapContext = {
  operation: 'change',
  boundAs: 'user',
  policy,
  user,
  newPassword: Secret.of('whatever-1'),
  now,
};

test('ppolicy names the rule: too short, in history, too young (with the retry time)', () => {
  const refused = new ConstraintViolationError('Password fails quality checking policy');
  assert.deepEqual(
    translateOpenLdapFailure(refused, { ...change, ppolicy: { error: 'passwordTooShort' } }),
    {
      code: 'policy_violation',
      rules: [{ rule: 'too_short', source: 'directory', params: { minLength: 8 } }],
      detail: 'LDAP 19: Password fails quality checking policy Code: 0x13',
    },
  );
  const history = translateOpenLdapFailure(refused, {
    ...change,
    ppolicy: { error: 'passwordInHistory' },
  });
  assert.equal(history.code === 'policy_violation' && history.rules[0]?.rule, 'history');
  const young = translateOpenLdapFailure(refused, {
    ...change,
    ppolicy: { error: 'passwordTooYoung' },
  });
  assert.deepEqual(young.code === 'policy_violation' && young.rules[0]?.params, {
    minAgeSeconds: 86_400,
    allowedAt: '2026-12-04T10:00:00.000Z',
  });
});

test('a wrong old password is slapd 53 "unwilling to verify old password": wrong_current_password', () => {
  const outcome = translateOpenLdapFailure(
    new UnwillingToPerformError('unwilling to verify old password'),
    { ...change, boundAs: 'service' },
  );
  assert.equal(outcome.code, 'wrong_current_password');
});

test('a failed bind: locked (with the unlock time), disabled (locked for ever), expired, plain', () => {
  const bind = new InvalidCredentialsError('');
  const verify = { operation: 'verify', boundAs: 'user', policy, user, now } as const;
  assert.deepEqual(
    translateOpenLdapFailure(bind, { ...verify, ppolicy: { error: 'accountLocked' } }),
    { code: 'locked_out', lockedUntil: '2026-12-03T12:20:00.000Z', detail: 'LDAP 49: Code: 0x31' },
  );
  const disabled = { ...user, lockedTime: LOCKED_FOR_EVER };
  assert.equal(
    translateOpenLdapFailure(bind, {
      ...verify,
      user: disabled,
      ppolicy: { error: 'accountLocked' },
    }).code,
    'account_disabled',
  );
  assert.equal(
    translateOpenLdapFailure(bind, { ...verify, ppolicy: { error: 'passwordExpired' } }).code,
    'password_expired',
  );
  assert.equal(translateOpenLdapFailure(bind, verify).code, 'invalid_credentials');
  assert.equal(translateOpenLdapFailure(bind, change).code, 'wrong_current_password');
});

test('no right: change_not_allowed for the user, access_denied for the service account', () => {
  const denied = new InsufficientAccessError('');
  assert.equal(translateOpenLdapFailure(denied, change).code, 'change_not_allowed');
  assert.equal(
    translateOpenLdapFailure(denied, { ...change, operation: 'reset', boundAs: 'service' }).code,
    'access_denied',
  );
});

test("without the control, slapd's text still names history and minimum age", () => {
  const history = translateOpenLdapFailure(
    new ConstraintViolationError('Password is in history of old passwords'),
    change,
  );
  assert.equal(history.code === 'policy_violation' && history.rules[0]?.rule, 'history');
  const young = translateOpenLdapFailure(
    new ConstraintViolationError('Password is too young to change'),
    change,
  );
  assert.equal(young.code === 'policy_violation' && young.rules[0]?.rule, 'min_age');
});
