import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { defaultCloudPolicy, effectivePolicy, evaluatePassword } from '@ferry/policy';
import { Secret } from '@ferry/protocol';
import pino from 'pino';
import { PasswordChecks } from './password-checks.js';

const checks = new PasswordChecks(pino({ level: 'silent' }), 2);
after(() => checks.close());

const input = (password: string) => ({
  password: Secret.of(password),
  policy: effectivePolicy(defaultCloudPolicy, {
    minLength: 10,
    complexity: true,
    historyLength: 24,
    minAgeSeconds: 86_400,
    maxAgeSeconds: 0,
    lockoutThreshold: 0,
    lockoutDurationSeconds: 0,
    lockoutObservationSeconds: 0,
    source: { kind: 'domain', dn: 'DC=contoso,DC=test' },
  }),
  user: {
    displayName: 'Marie Dupont',
    sAMAccountName: 'mdupont',
    passwordLastSet: new Date('2026-11-25T08:00:00Z'),
  },
  operation: 'change' as const,
  now: new Date('2026-11-25T12:00:00Z'),
});

test('a worker thread evaluates exactly as the library does on this thread', async () => {
  await checks.ready();
  for (const password of [
    'Summer2024!',
    'Dupont-2026!x',
    'kettle-orbit-vivid-lamp',
    'Xq7!vR2#mK9p',
  ]) {
    assert.deepEqual(await checks.evaluate(input(password)), evaluatePassword(input(password)));
  }
});

test('checks sent together all come back, each with its own answer', async () => {
  const passwords = Array.from({ length: 12 }, (_, index) => `Pw-${index}-${'x'.repeat(index)}`);
  const answers = await Promise.all(passwords.map((password) => checks.evaluate(input(password))));
  answers.forEach((answer, index) =>
    assert.deepEqual(answer, evaluatePassword(input(passwords[index]!)), passwords[index]),
  );
});

test('after close a check is refused rather than left waiting', async () => {
  const closing = new PasswordChecks(pino({ level: 'silent' }), 1);
  await closing.ready();
  await closing.close();
  await assert.rejects(closing.evaluate(input('Summer2024!')), /closed/);
});
