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

test('finds exactly the windows a brute-force edit-distance check finds', () => {
  let seed = 5;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const word = (length: number): string =>
    Array.from({ length }, () => 'abcde'[Math.floor(random() * 5)]).join('');
  const distance = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++)
        next[j] = Math.min(
          row[j]! + 1,
          next[j - 1]! + 1,
          row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      row = next;
    }
    return row[b.length]!;
  };
  for (let round = 0; round < 200; round++) {
    const terms = [...new Set(Array.from({ length: 6 }, () => word(4 + Math.floor(random() * 4))))];
    const text = word(6 + Math.floor(random() * 10));
    const expected: string[] = [];
    for (let start = 0; start < text.length; start++)
      for (let end = start + 4; end <= text.length; end++)
        terms.forEach((term, termId) => {
          const d = distance(text.slice(start, end), term);
          if (d <= 1) expected.push(`${start}:${end}:${d}:${termId}`);
        });
    const found = new BannedTermIndex('custom', terms)
      .find(text)
      .map((m) => `${m.start}:${m.end}:${m.distance}:${m.termId}`);
    assert.deepEqual(found.sort(), expected.sort(), `${text} vs ${terms.join(',')}`);
  }
});
