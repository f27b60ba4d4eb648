import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { Secret } from './secret.js';

const plaintext = 'Hunter2!-very-secret';

test('a Secret never shows its value by printing, JSON, inspect or template strings', () => {
  const secret = Secret.of(plaintext);
  const renderings = [
    String(secret),
    `${secret}`,
    JSON.stringify({ secret }),
    inspect(secret),
    inspect({ nested: { secret } }, { depth: 5 }),
    secret + '',
  ];
  for (const rendering of renderings) assert.ok(!rendering.includes(plaintext), rendering);
  assert.equal(secret.reveal(), plaintext);
});

test('a thrown error that embeds a Secret does not carry the value', () => {
  const secret = Secret.of(plaintext);
  const error = new Error(`bind failed for ${secret}`);
  assert.ok(!error.message.includes(plaintext));
  assert.ok(!inspect(error).includes(plaintext));
});

test('equals compares values without revealing them', () => {
  assert.ok(Secret.of('a').equals(Secret.of('a')));
  assert.ok(!Secret.of('a').equals(Secret.of('b')));
});
