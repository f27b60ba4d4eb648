import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GLOBAL_LIST_SIZE, globalBannedIndex, globalBannedTerms } from './global-list.js';
import { characterCount, normalise } from './normalise.js';

test('the global list: most common passwords, normalised, 4 to 16 characters', () => {
  const terms = globalBannedTerms();
  assert.equal(terms.length, GLOBAL_LIST_SIZE);
  for (const term of ['password', 'qwerty', 'l23456', 'dragon']) assert.ok(terms.includes(term));
  for (const term of terms) {
    assert.equal(normalise(term), term);
    assert.ok(characterCount(term) >= 4 && characterCount(term) <= 16, term);
  }
});

test('the global index is built once and shared', () => {
  assert.equal(globalBannedIndex(), globalBannedIndex());
  assert.equal(globalBannedIndex().size, GLOBAL_LIST_SIZE);
});
