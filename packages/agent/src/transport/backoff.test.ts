import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JitteredBackoff } from './backoff.js';

test('delays grow to the cap, are jittered below it, and reset after success', () => {
  const top = new JitteredBackoff(500, 30_000, () => 1);
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map(() => top.next()),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000],
  );
  top.reset();
  assert.equal(top.next(), 500);
  const half = new JitteredBackoff(500, 30_000, () => 0.5);
  assert.deepEqual([half.next(), half.next()], [250, 500]);
});
