import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WordTrie } from './word-trie.js';

const walkAll = (trie: WordTrie, text: string, start: number) => {
  const found: Array<[number, number]> = [];
  const reach = trie.walk(text, start, (end, rank) => found.push([end, rank]));
  return { found, reach };
};

test('a walk reports every word starting there, shortest first, with its rank', () => {
  const trie = new WordTrie({ pass: 3, password: 1, passwords: 7, word: 2, é: 9, éte: 4 });
  assert.deepEqual(walkAll(trie, 'xpasswords!', 1), {
    found: [
      [4, 3],
      [8, 1],
      [9, 7],
    ],
    reach: 10,
  });
  // Beyond the ASCII slots under the root, and to the end of the text.
  assert.deepEqual(walkAll(trie, 'éte', 0), {
    found: [
      [0, 9],
      [2, 4],
    ],
    reach: 3,
  });
});

test('a walk stops at the first character no word continues with', () => {
  const trie = new WordTrie({ abc: 1 });
  assert.deepEqual(walkAll(trie, 'abxabc', 0), { found: [], reach: 2 });
  assert.deepEqual(walkAll(trie, 'abxabc', 3), { found: [[5, 1]], reach: 6 });
  assert.deepEqual(walkAll(trie, 'zzz', 0), { found: [], reach: 0 });
});

test('shared prefixes share nodes', () => {
  assert.equal(new WordTrie({ pass: 1, password: 2, passport: 3 }).size, 1 + 4 + 4 + 4);
});
