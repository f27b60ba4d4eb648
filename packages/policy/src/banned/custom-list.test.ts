import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CUSTOM_LIST_MAX_TERMS, validateCustomList } from './custom-list.js';
import { customBannedIndex } from './custom-index-cache.js';

test('validateCustomList normalises and refuses terms as Entra', () => {
  const result = validateCustomList(['Contoso', 'c0ntos0', 'abc', 'x'.repeat(17), ' P@ss ']);
  assert.deepEqual(result.terms, ['contoso', 'pass']);
  assert.deepEqual(result.problems, [
    { index: 1, problem: 'duplicate' },
    { index: 2, problem: 'too_short' },
    { index: 3, problem: 'too_long' },
  ]);
  assert.equal(result.ok, false);
});

test('validateCustomList accepts 4 and 16 characters and at most 1,000 terms', () => {
  assert.equal(validateCustomList(['abcd', 'a'.repeat(16)]).ok, true);
  const many = Array.from({ length: CUSTOM_LIST_MAX_TERMS + 1 }, (_, i) => `term${i}`);
  assert.equal(validateCustomList(many.slice(0, CUSTOM_LIST_MAX_TERMS)).ok, true);
  const over = validateCustomList(many);
  assert.equal(over.tooMany, true);
  assert.equal(over.ok, false);
});

test('customBannedIndex builds one index per distinct list and normalises its terms', () => {
  const first = customBannedIndex(['C0ntoso']);
  assert.equal(customBannedIndex(['C0ntoso']), first);
  assert.notEqual(customBannedIndex(['fabrikam']), first);
  assert.equal(first.find('contoso').length > 0, true);
});
