import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strengthScore } from './strength.js';

test('zxcvbn scores common and predictable passwords low, random ones high', () => {
  assert.equal(strengthScore('password', []), 0);
  assert.ok(strengthScore('P@ssw0rd123', []) <= 1);
  assert.ok(strengthScore('Summer2024!', []) <= 2);
  assert.equal(strengthScore('Xq7!vR2#mK9p', []), 4);
  assert.equal(strengthScore('kettle-orbit-vivid-lamp', []), 4);
});

test('l33t spellings of dictionary words stay weak (with the few substitutions tried)', () => {
  for (const password of [
    'P@ssw0rd!',
    'M0nk3y!23',
    'S3cur1ty2024',
    'Dr@g0nfly9',
    'Pr1nc3ss#1',
    '5unsh1n3!!',
    'B4s3b@ll99',
    'Ch@rl0tt3x',
  ]) {
    assert.ok(strengthScore(password, []) <= 1, password);
  }
});

test('French words are in the dictionary', () => {
  assert.ok(strengthScore('bonjour', []) <= 1);
  assert.ok(strengthScore('grenouille', []) <= 2);
});

test('user inputs (names, tenant) make a password that uses them weaker', () => {
  const without = strengthScore('Kzlawoski1988', []);
  const withName = strengthScore('Kzlawoski1988', ['Kzlawoski']);
  assert.ok(withName < without, `${withName} < ${without}`);
});
