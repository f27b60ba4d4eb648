import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskEmail, maskPhone } from './gate.js';

test('hints mask contact data to a fixed shape', () => {
  assert.equal(maskEmail('alice@example.test'), 'a***@example.test');
  assert.equal(maskPhone('+33 6 12 34 56 42'), '+33 ••• •• •• 42');
  assert.equal(maskPhone('+1 (555) 010-9999'), '+15 ••• •• •• 99');
});
