import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, passwordRuleCodes, type DirectoryPolicy } from '@ferry/protocol';
import { defaultCloudPolicy, type CloudPasswordPolicy } from './cloud-policy.js';
import { effectivePolicy } from './effective-policy.js';
import {
  evaluatePassword,
  toViolations,
  type PasswordEvaluationInput,
} from './evaluate-password.js';
import type { FeedbackItem } from './feedback.js';

const directory: DirectoryPolicy = {
  minLength: 7,
  historyLength: 24,
  minAgeSeconds: 86_400,
  maxAgeSeconds: 0,
  complexity: true,
  lockoutThreshold: 0,
  lockoutDurationSeconds: 0,
  lockoutObservationSeconds: 0,
  source: { kind: 'domain', dn: 'DC=example,DC=test' },
};
const now = new Date('2026-03-01T12:00:00Z');
const user = {
  givenName: 'Erin',
  surname: 'Hagens',
  displayName: 'Erin M. Hagens',
  sAMAccountName: 'ehagens',
  passwordLastSet: new Date('2026-02-01T12:00:00Z'),
};

function evaluate(
  password: string,
  overrides: Partial<PasswordEvaluationInput> = {},
  cloud: CloudPasswordPolicy = defaultCloudPolicy,
) {
  return evaluatePassword({
    password: Secret.of(password),
    policy: effectivePolicy(cloud, directory),
    user,
    tenantName: 'Fabrikam',
    operation: 'change',
    now,
    ...overrides,
  });
}

function statuses(items: readonly FeedbackItem[]): Record<string, string> {
  return Object.fromEntries(items.map((item) => [item.rule, item.status]));
}

test('a good password passes every rule; history is left to the directory', () => {
  const result = evaluate('Kettle-Orbit-Vivid-7');
  assert.equal(result.ok, true);
  assert.deepEqual(statuses(result.items), {
    too_short: 'pass',
    too_long: 'pass',
    complexity: 'pass',
    banned: 'pass',
    weak: 'pass',
    history: 'directory',
    min_age: 'pass',
  });
  assert.deepEqual(result.items.find((item) => item.rule === 'history')?.params, {
    historyLength: 24,
  });
});

test('every failure is reported, not only the first', () => {
  const result = evaluate('erin1');
  assert.equal(result.ok, false);
  assert.deepEqual(statuses(result.items), {
    too_short: 'fail',
    too_long: 'pass',
    complexity: 'fail',
    banned: 'fail',
    weak: 'fail',
    history: 'directory',
    min_age: 'pass',
  });
});

test('the stricter minimum length wins and says whose it is', () => {
  const cloudWins = evaluate('Xq7!vR2', {}).items[0];
  assert.deepEqual(cloudWins, {
    rule: 'too_short',
    status: 'fail',
    origin: 'cloud',
    params: { minLength: 8 },
  });
  const strict = evaluatePassword({
    password: Secret.of('Xq7!vR2#mK9p'),
    policy: effectivePolicy(defaultCloudPolicy, { ...directory, minLength: 14 }),
    operation: 'admin_reset',
    now,
  });
  assert.deepEqual(strict.items[0], {
    rule: 'too_short',
    status: 'fail',
    origin: 'directory',
    params: { minLength: 14 },
  });
});

test('the cloud counts characters, the directory UTF-16 units', () => {
  const policy = effectivePolicy(
    { ...defaultCloudPolicy, minLength: 8, minStrengthScore: 0 },
    { ...directory, minLength: 8, complexity: false },
  );
  const emoji = evaluatePassword({
    password: Secret.of('😀😀😀😀'),
    policy,
    operation: 'admin_reset',
    now,
  });
  assert.equal(emoji.items[0]?.status, 'fail', '4 characters < 8, though 8 UTF-16 units');
});

test('minimum age applies to a change and a self-service reset, not to an admin reset', () => {
  const recent = { ...user, passwordLastSet: new Date('2026-03-01T08:00:00Z') };
  const change = evaluate('Kettle-Orbit-Vivid-7', { user: recent });
  const minAge = change.items.find((item) => item.rule === 'min_age');
  assert.deepEqual(minAge, {
    rule: 'min_age',
    status: 'fail',
    origin: 'directory',
    params: { minAgeSeconds: 86_400, allowedAt: '2026-03-02T08:00:00.000Z' },
  });
  assert.equal(change.ok, false);
  const reset = evaluate('Kettle-Orbit-Vivid-7', { user: recent, operation: 'admin_reset' });
  assert.equal(
    reset.items.some((item) => item.rule === 'min_age'),
    false,
  );
  assert.equal(reset.ok, true);
  const selfService = evaluate('Kettle-Orbit-Vivid-7', {
    user: recent,
    operation: 'self_service_reset',
  });
  assert.equal(statuses(selfService.items)['min_age'], 'fail');
  const mustChange = evaluate('Kettle-Orbit-Vivid-7', { user: { ...recent, mustChange: true } });
  assert.equal(statuses(mustChange.items)['min_age'], 'pass');
});

test('a cloud-only user gets only the cloud rules', () => {
  const result = evaluatePassword({
    password: Secret.of('Kettle-Orbit-Vivid-7'),
    policy: effectivePolicy(defaultCloudPolicy),
    operation: 'change',
    now,
  });
  assert.deepEqual(
    result.items.map((item) => item.rule),
    ['too_short', 'too_long', 'banned', 'weak'],
  );
});

test('banned: custom terms, names and tenant are named by category only', () => {
  const cloud = { ...defaultCloudPolicy, customBannedTerms: ['contoso', 'blank'] };
  const custom = evaluate('C0ntos0Blank12', {}, cloud);
  const banned = custom.items.find((item) => item.rule === 'banned');
  assert.equal(banned?.status, 'fail');
  assert.equal(banned?.params.customTerm, true);
  assert.equal(banned?.params.userName, false);
  assert.ok((banned?.params.score ?? 5) <= 4, 'the global list may only lower the score');
  const tenant = evaluate('Fabrikam2024!').items.find((item) => item.rule === 'banned');
  assert.equal(tenant?.status, 'fail');
  assert.equal(tenant?.params.tenantName, true);
  const name = evaluate('Hagens!!').items.find((item) => item.rule === 'banned');
  assert.equal(name?.params.userName, true);
  const common = evaluate('P@ssw0rd1').items.find((item) => item.rule === 'banned');
  assert.equal(common?.params.commonPassword, true);
});

test('the weak rule follows the configured minimum and can be turned off', () => {
  const off = evaluate('Summer2024!', {}, { ...defaultCloudPolicy, minStrengthScore: 0 });
  assert.equal(
    off.items.some((item) => item.rule === 'weak'),
    false,
  );
  const strict = evaluate('Summer2024!', {}, { ...defaultCloudPolicy, minStrengthScore: 4 });
  const weak = strict.items.find((item) => item.rule === 'weak');
  assert.equal(weak?.status, 'fail');
  assert.equal(weak?.params.minScore, 4);
});

test('too long past the cloud maximum', () => {
  const result = evaluate('Xq7!vR2#'.repeat(40));
  assert.equal(statuses(result.items)['too_long'], 'fail');
});

test('feedback never carries the password or a part of it', () => {
  const password = 'C0ntos0Blank12Fabrikam';
  const result = evaluate(password, {}, { ...defaultCloudPolicy, customBannedTerms: ['contoso'] });
  const json = JSON.stringify(result).toLowerCase();
  for (let i = 0; i + 4 <= password.length; i++) {
    assert.equal(
      json.includes(password.slice(i, i + 4).toLowerCase()),
      false,
      password.slice(i, i + 4),
    );
  }
});

test('toViolations turns failed items into protocol violations', () => {
  const violations = toViolations(evaluate('erin1'));
  assert.deepEqual(
    violations.map((v) => [v.rule, v.source]),
    [
      ['too_short', 'policy'],
      ['complexity', 'policy'],
      ['banned', 'policy'],
      ['weak', 'policy'],
    ],
  );
  for (const v of violations) assert.ok(passwordRuleCodes.includes(v.rule));
});
