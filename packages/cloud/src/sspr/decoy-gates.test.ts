import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPasswordResetSettings } from '../directory/password-reset-settings.js';
import { decoyGates } from './decoy-gates.js';

const key = Buffer.alloc(32, 7);
const settings = {
  ...defaultPasswordResetSettings,
  methodsRequired: 2 as const,
  methodsAllowed: [
    'email' as const,
    'phone' as const,
    'totp' as const,
    'security_questions' as const,
  ],
};

test('decoy gates: stable per name, between required and allowed, in the settings order', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const name = `user${i}@contoso.test`;
    const gates = decoyGates(key, name, settings);
    assert.deepEqual(decoyGates(key, name, settings), gates);
    assert.ok(gates.length >= 2 && gates.length <= 4);
    const order = gates.map((gate) => settings.methodsAllowed.indexOf(gate.kind));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    seen.add(gates.map((gate) => gate.kind).join(','));
  }
  // Different names get different subsets (all 11 subsets of size 2..4 are possible).
  assert.ok(seen.size >= 6, `only ${seen.size} distinct gate sets`);
});

test('decoy hints look like real ones and differ with the server key', () => {
  const gates = decoyGates(key, 'zoe@fabrikam.test', {
    ...settings,
    methodsRequired: 1,
    methodsAllowed: ['email'],
  });
  assert.deepEqual(gates, [{ kind: 'email', hint: 'z***@fabrikam.test' }]);
  const phones = new Set<string | null>();
  for (const fill of [1, 2, 3, 4, 5, 6]) {
    const [phone] = decoyGates(Buffer.alloc(32, fill), 'zoe@fabrikam.test', {
      ...settings,
      methodsRequired: 1,
      methodsAllowed: ['phone'],
    });
    assert.match(phone!.hint!, /^\+33 ••• •• •• \d\d$/);
    phones.add(phone!.hint);
  }
  assert.ok(phones.size > 1);
});
