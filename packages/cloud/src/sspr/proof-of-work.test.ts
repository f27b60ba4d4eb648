import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasLeadingZeroBits, solveChallenge } from './proof-of-work.js';

test('leading zero bits are counted bit by bit', () => {
  // SHA-256("abc") starts with 0xba: no leading zero bit.
  assert.equal(hasLeadingZeroBits('abc', 0), true);
  assert.equal(hasLeadingZeroBits('abc', 1), false);
  const nonce = solveChallenge('challenge', 10);
  assert.equal(hasLeadingZeroBits(`challenge:${nonce}`, 10), true);
  // The first nonce found is the smallest, so every smaller one fails.
  for (let n = 0; n < Number(nonce); n++) {
    assert.equal(hasLeadingZeroBits(`challenge:${n}`, 10), false);
  }
});
