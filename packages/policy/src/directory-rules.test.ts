import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DirectoryPolicy } from '@ferry/protocol';
import {
  changeAllowedAt,
  directoryLength,
  evaluateDirectoryRules,
  passwordExpiresAt,
} from './directory-rules.js';

const policy: DirectoryPolicy = {
  minLength: 8,
  historyLength: 24,
  minAgeSeconds: 86_400,
  maxAgeSeconds: 42 * 86_400,
  complexity: true,
  lockoutThreshold: 0,
  lockoutDurationSeconds: 0,
  lockoutObservationSeconds: 0,
  source: { kind: 'domain', dn: 'DC=example,DC=test' },
};
const lastSet = new Date('2026-01-10T08:00:00Z');

test('length counts UTF-16 units, as AD does', () => {
  assert.equal(directoryLength('😀😀😀😀'), 8);
  const rules = (password: string) =>
    evaluateDirectoryRules(policy, password, {}, lastSet, { checkMinAge: false }).map(
      (rule) => rule.rule,
    );
  assert.deepEqual(rules('Ab1😀😀😀'), [], '6 characters but 9 UTF-16 units');
  assert.deepEqual(rules('Ab1😀😀'), ['too_short'], '7 UTF-16 units');
});

test('every broken rule is returned, not only the first', () => {
  const rules = evaluateDirectoryRules(
    policy,
    'jdoe',
    { sAMAccountName: 'jdoe', passwordLastSet: lastSet },
    new Date('2026-01-10T12:00:00Z'),
    { checkMinAge: true },
  );
  assert.deepEqual(
    rules.map((rule) => rule.rule),
    ['too_short', 'complexity', 'min_age'],
  );
  assert.equal(rules[2]?.params['allowedAt'], '2026-01-11T08:00:00.000Z');
});

test('changeAllowedAt and passwordExpiresAt', () => {
  assert.deepEqual(
    changeAllowedAt(policy, { passwordLastSet: lastSet }),
    new Date('2026-01-11T08:00:00Z'),
  );
  assert.equal(changeAllowedAt(policy, { passwordLastSet: lastSet, mustChange: true }), undefined);
  assert.equal(
    changeAllowedAt({ ...policy, minAgeSeconds: 0 }, { passwordLastSet: lastSet }),
    undefined,
  );
  assert.equal(changeAllowedAt(policy, {}), undefined);
  assert.deepEqual(
    passwordExpiresAt(policy, { passwordLastSet: lastSet }),
    new Date('2026-02-21T08:00:00Z'),
  );
  assert.equal(
    passwordExpiresAt({ ...policy, maxAgeSeconds: 0 }, { passwordLastSet: lastSet }),
    undefined,
  );
});
