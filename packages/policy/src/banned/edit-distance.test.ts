import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distanceWithinOne, singleDeletions } from './edit-distance.js';

test('distanceWithinOne answers 0, 1 or undefined (2 or more)', () => {
  const cases: [string, string, 0 | 1 | undefined][] = [
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'xbc', 1],
    ['abc', 'abcd', 1],
    ['abcd', 'abc', 1],
    ['abc', 'ac', 1],
    ['', 'a', 1],
    ['ab', 'ba', undefined],
    ['abc', 'bca', undefined],
    ['abc', 'a', undefined],
    ['abcdef', 'abcfed', undefined],
  ];
  for (const [a, b, expected] of cases)
    assert.equal(distanceWithinOne(a, b), expected, `${a}/${b}`);
});

test('singleDeletions lists each one-character deletion once', () => {
  assert.deepEqual(singleDeletions('abc').sort(), ['ab', 'ac', 'bc']);
  assert.deepEqual(singleDeletions('aab').sort(), ['aa', 'ab']);
});
