import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, type DirectoryPolicy } from '@ferry/protocol';
import {
  ConstraintViolationError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  UnavailableCriticalExtensionError,
  UnwillingToPerformError,
} from 'ldapts';
import { DirectoryUnreachableError } from '../dc-endpoints.js';
import { bindDataCode, translateAdFailure, type TranslationContext } from './ad-outcomes.js';
import type { DirectoryUser } from './ad-user.js';

const now = new Date('2026-11-25T12:00:00Z');
const policy: DirectoryPolicy = {
  minLength: 8,
  historyLength: 24,
  minAgeSeconds: 86_400,
  maxAgeSeconds: 0,
  complexity: true,
  lockoutThreshold: 0,
  lockoutDurationSeconds: 0,
  lockoutObservationSeconds: 0,
  source: { kind: 'domain', dn: 'DC=corp,DC=example,DC=test' },
};
const user: DirectoryUser = {
  dn: 'CN=jdoe,OU=Staff,DC=corp,DC=example,DC=test',
  objectGUID: '7a708e9d-5252-4ed8-9fab-026cb208a920',
  sAMAccountName: 'jdoe',
  userPrincipalName: 'jdoe@corp.example.test',
  displayName: 'John Doe',
  enabled: true,
  lockedOut: false,
  passwordExpired: false,
  passwordNeverExpires: false,
  mustChangePassword: false,
  passwordLastSet: new Date('2026-11-25T09:00:00Z'),
  passwordLastSetStamp: '134087220000000000',
  accountExpires: undefined,
  protected: false,
  resultantPsoDn: undefined,
};
const windowsBind = (data: string) =>
  new InvalidCredentialsError(
    `80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data ${data}, v4563`,
  );
const windowsPolicy = new ConstraintViolationError(
  '0000052D: Constraint violation - check_password_restrictions: SvcErr: DSID-031A1254, problem 5003 (WILL_NOT_PERFORM), data 0',
);

function context(overrides: Partial<TranslationContext> = {}): TranslationContext {
  return { operation: 'verify', boundAs: 'user', now, ...overrides };
}

test('bind data sub-codes become their outcomes', () => {
  const table: Array<[string, string]> = [
    ['525', 'user_not_found'],
    ['52e', 'invalid_credentials'],
    ['530', 'logon_restricted'],
    ['531', 'logon_restricted'],
    ['532', 'password_expired'],
    ['533', 'account_disabled'],
    ['701', 'account_expired'],
    ['773', 'must_change_password'],
    ['775', 'locked_out'],
  ];
  for (const [data, code] of table) {
    assert.equal(translateAdFailure(windowsBind(data), context()).code, code, data);
  }
  const time = translateAdFailure(windowsBind('530'), context());
  assert.deepEqual(time.code === 'logon_restricted' && time.restriction, 'time');
  const station = translateAdFailure(windowsBind('531'), context());
  assert.deepEqual(station.code === 'logon_restricted' && station.restriction, 'workstation');
});

test('a bad bind during a change means the current password is wrong', () => {
  const outcome = translateAdFailure(windowsBind('52e'), context({ operation: 'change' }));
  assert.equal(outcome.code, 'wrong_current_password');
  assert.equal(
    translateAdFailure(windowsBind('775'), context({ operation: 'change' })).code,
    'locked_out',
  );
});

test('bindDataCode reads only the data field', () => {
  assert.equal(bindDataCode('AcceptSecurityContext error, data 52e, v1db1'), '52e');
  assert.equal(bindDataCode('no sub-code here'), undefined);
});

test('Samba names each rule in 0000052D; the connector keeps the directory as source', () => {
  const prefix = '0000052D: Constraint violation - check_password_restrictions: ';
  const cases: Array<[string, string]> = [
    ['the password is too short. It should be equal or longer than 7 characters!', 'too_short'],
    ['the password does not meet the complexity criteria!', 'complexity'],
    ['the password was already used (previous password)!', 'history'],
    ['password is too young to change!', 'min_age'],
  ];
  for (const [text, rule] of cases) {
    const outcome = translateAdFailure(
      new ConstraintViolationError(prefix + text),
      context({ operation: 'change', policy, user, newPassword: Secret.of('Whatever-1') }),
    );
    assert.equal(outcome.code, 'policy_violation');
    assert.deepEqual(
      outcome.code === 'policy_violation' && outcome.rules.map((r) => [r.rule, r.source]),
      [[rule, 'directory']],
    );
  }
  const short = translateAdFailure(
    new ConstraintViolationError(prefix + cases[0]![0]),
    context({ policy }),
  );
  assert.deepEqual(short.code === 'policy_violation' && short.rules[0]?.params, { minLength: 7 });
  const young = translateAdFailure(
    new ConstraintViolationError(prefix + cases[3]![0]),
    context({ policy, user }),
  );
  assert.deepEqual(young.code === 'policy_violation' && young.rules[0]?.params, {
    minAgeSeconds: 86_400,
    allowedAt: '2026-11-26T09:00:00.000Z',
  });
});

test('Windows says only "0000052D ... data 0": the rule is named from the policy read', () => {
  const named = (password: string, operation: 'change' | 'reset' = 'reset') => {
    const outcome = translateAdFailure(
      windowsPolicy,
      context({ operation, boundAs: 'service', policy, user, newPassword: Secret.of(password) }),
    );
    assert.equal(outcome.code, 'policy_violation');
    return outcome.code === 'policy_violation'
      ? outcome.rules.map((rule) => `${rule.rule}/${rule.source}`)
      : [];
  };
  assert.deepEqual(named('Ab1!'), ['too_short/policy']);
  assert.deepEqual(named('alllowercase'), ['complexity/policy']);
  assert.deepEqual(named('Jdoe-Rocks-2026'), ['complexity/policy']); // contains the account name
  assert.deepEqual(named('Str0ng!Passw0rd', 'change'), ['min_age/policy']);
  assert.deepEqual(named('Str0ng!Passw0rd', 'reset'), ['history/policy']);
  const noHistory = translateAdFailure(
    windowsPolicy,
    context({
      operation: 'reset',
      policy: { ...policy, historyLength: 0 },
      user,
      newPassword: Secret.of('Str0ng!Passw0rd'),
    }),
  );
  assert.deepEqual(
    noHistory.code === 'policy_violation' && noHistory.rules[0]?.rule,
    'directory_filter',
  );
});

test('Windows unwillingToPerform with 0000052D is a policy violation too', () => {
  const outcome = translateAdFailure(
    new UnwillingToPerformError(
      '0000052D: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0',
    ),
    context({
      operation: 'reset',
      boundAs: 'service',
      policy,
      user,
      newPassword: Secret.of('short'),
    }),
  );
  assert.equal(outcome.code, 'policy_violation');
});

test('00000056 is a wrong current password', () => {
  const outcome = translateAdFailure(
    new ConstraintViolationError(
      "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!",
    ),
    context({ operation: 'change', policy, user, newPassword: Secret.of('x') }),
  );
  assert.equal(outcome.code, 'wrong_current_password');
});

test('rights: the service account lacks them (access_denied), or the user may not change (change_not_allowed)', () => {
  const windows = new InsufficientAccessError(
    '00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0',
  );
  assert.equal(
    translateAdFailure(windows, context({ operation: 'reset', boundAs: 'service' })).code,
    'access_denied',
  );
  assert.equal(
    translateAdFailure(windows, context({ operation: 'change', boundAs: 'user' })).code,
    'change_not_allowed',
  );
  const samba = new ConstraintViolationError(
    'error in module acl: Constraint violation during LDB_MODIFY (19)',
  );
  assert.equal(
    translateAdFailure(
      samba,
      context({ operation: 'change', boundAs: 'user', newPassword: Secret.of('x') }),
    ).code,
    'change_not_allowed',
  );
});

test('unreachable, missing object, unknown errors', () => {
  assert.equal(
    translateAdFailure(
      new DirectoryUnreachableError([{ url: 'ldaps://dc1', reason: 'ECONNREFUSED' }]),
      context(),
    ).code,
    'directory_unavailable',
  );
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:636'), {
    code: 'ECONNREFUSED',
  });
  assert.equal(translateAdFailure(refused, context()).code, 'directory_unavailable');
  assert.equal(
    translateAdFailure(new NoSuchObjectError('0000208D: NameErr'), context({ operation: 'reset' }))
      .code,
    'user_not_found',
  );
  const critical = translateAdFailure(
    new UnavailableCriticalExtensionError('unsupported critical extension'),
    context(),
  );
  assert.equal(critical.code, 'directory_error');
  assert.match(('detail' in critical && critical.detail) || '', /LDAP 12/);
});

test('a translated outcome never contains the new password', () => {
  const secret = 'Sup3r$ecret-Value';
  const outcome = translateAdFailure(
    windowsPolicy,
    context({
      operation: 'reset',
      boundAs: 'service',
      policy,
      user,
      newPassword: Secret.of(secret),
    }),
  );
  assert.ok(!JSON.stringify(outcome).includes(secret));
});
