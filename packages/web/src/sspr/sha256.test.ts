/// <reference types="node" />
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { leadingZeroBits, sha256 } from './sha256';

test('sha256 equals node:crypto on empty, short, block-edge, multi-block and non-ASCII input', () => {
  const inputs = [
    '',
    'abc',
    'a'.repeat(55),
    'a'.repeat(56),
    'a'.repeat(64),
    'x'.repeat(200),
    'été ⛴',
  ];
  for (const input of inputs) {
    const expected = createHash('sha256').update(input, 'utf8').digest('hex');
    assert.equal(Buffer.from(sha256(input)).toString('hex'), expected, JSON.stringify(input));
  }
});

test('leadingZeroBits counts whole zero bytes and the zero bits of the first other byte', () => {
  assert.equal(leadingZeroBits(Uint8Array.from([0x80, 0])), 0);
  assert.equal(leadingZeroBits(Uint8Array.from([0x01, 0xff])), 7);
  assert.equal(leadingZeroBits(Uint8Array.from([0, 0, 0x10])), 19);
  assert.equal(leadingZeroBits(Uint8Array.from([0, 0])), 16);
});

test('a nonce found the way the worker does satisfies the same check as the cloud', () => {
  const challenge = 'test-challenge.2026-01-01T00:00:00.000Z.10.sig';
  let nonce = 0;
  while (leadingZeroBits(sha256(`${challenge}:${nonce}`)) < 10) nonce++;
  const digest = createHash('sha256').update(`${challenge}:${nonce}`).digest();
  assert.ok(digest[0] === 0 && digest[1]! >> 6 === 0, 'ten leading zero bits');
});
