import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BannedTermIndex } from './term-index.js';
import { occurrences } from './occurrences.js';

const index = new BannedTermIndex('custom', ['abcdef']);

function spans(text: string): string[] {
  return occurrences(index.find(text)).map((m) => `${text.slice(m.start, m.end)}:${m.distance}`);
}

test('fuzzy match at edit distance 1: Microsoft’s "abcdef" examples', () => {
  assert.deepEqual(spans('abcdef'), ['abcdef:0']);
  assert.deepEqual(spans('abcdeg'), ['abcdeg:1'], 'last character changed');
  assert.deepEqual(spans('abcdefg'), ['abcdef:0'], 'a character added: the exact part counts');
  assert.deepEqual(spans('abcde'), ['abcde:1'], 'last character removed');
  assert.deepEqual(spans('abxcdef'), ['abxcdef:1'], 'a character inserted inside');
  assert.deepEqual(spans('xyz'), []);
  assert.deepEqual(spans('abxdxf'), [], 'two edits');
});

test('every occurrence is found, wherever it is', () => {
  assert.deepEqual(spans('12abcdef34abcdeg'), ['abcdef:0', 'abcdeg:1']);
});

test('windows shorter than 4 characters are not tried', () => {
  const short = new BannedTermIndex('global', ['life']);
  const found = (text: string) =>
    occurrences(short.find(text)).map((m) => text.slice(m.start, m.end));
  assert.deepEqual(found('xlie'), [], '"lie" is one deletion from "life" but only 3 long');
  assert.deepEqual(found('lifx'), ['lifx']);
});

test('the index de-duplicates terms and reports its size', () => {
  const twice = new BannedTermIndex('global', ['pass', 'pass', '', 'word']);
  assert.equal(twice.size, 2);
  assert.equal(twice.source, 'global');
  assert.deepEqual(new BannedTermIndex('global', []).find('anything'), []);
});
