import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as fr from '@zxcvbn-ts/language-fr';
import { buildEstimator, strengthScore } from './strength.js';

test('zxcvbn scores common and predictable passwords low, random ones high', () => {
  assert.equal(strengthScore('password', []), 0);
  assert.ok(strengthScore('P@ssw0rd123', []) <= 1);
  assert.ok(strengthScore('Summer2024!', []) <= 2);
  assert.equal(strengthScore('Xq7!vR2#mK9p', []), 4);
  assert.equal(strengthScore('kettle-orbit-vivid-lamp', []), 4);
});

test('l33t spellings of dictionary words stay weak (with the few substitutions tried)', () => {
  for (const password of [
    'P@ssw0rd!',
    'M0nk3y!23',
    'S3cur1ty2024',
    'Dr@g0nfly9',
    'Pr1nc3ss#1',
    '5unsh1n3!!',
    'B4s3b@ll99',
    'Ch@rl0tt3x',
  ]) {
    assert.ok(strengthScore(password, []) <= 1, password);
  }
});

test('French words are in the dictionary', () => {
  assert.ok(strengthScore('bonjour', []) <= 1);
  assert.ok(strengthScore('grenouille', []) <= 2);
});

test('user inputs (names, tenant) make a password that uses them weaker', () => {
  const without = strengthScore('Kzlawoski1988', []);
  const withName = strengthScore('Kzlawoski1988', ['Kzlawoski']);
  assert.ok(withName < without, `${withName} < ${without}`);
});

test('one table of lowest ranks, walked as a trie, scores exactly as the separate word lists do', () => {
  const merged = buildEstimator({ mergeDictionaries: true });
  const separate = buildEstimator({ mergeDictionaries: false });
  const lists = [
    common.dictionary['passwords-common'],
    common.dictionary['diceware-common'],
    en.dictionary['commonWords-en'],
    fr.dictionary['commonWords-fr'],
    en.dictionary['firstnames-en'],
    fr.dictionary['lastnames-fr'],
    en.dictionary['wikipedia-en'],
  ];
  const random = seeded(7);
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)]!;
  const leet = (word: string): string =>
    word.replace(/a/g, '@').replace(/o/g, '0').replace(/e/g, '3').replace(/s/g, '$');
  const corpus: string[] = [];
  for (let index = 0; index < 60; index += 1) {
    const word = pick(lists[index % lists.length]!);
    const other = pick(lists[(index + 3) % lists.length]!);
    corpus.push(
      word,
      `${word[0]!.toUpperCase()}${word.slice(1)}2024!`,
      leet(word),
      [...word].reverse().join(''),
      `${word}-${other}`,
      `${other}${Math.floor(random() * 10_000)}`,
      Array.from({ length: 8 + (index % 13) }, () =>
        String.fromCharCode(33 + Math.floor(random() * 94)),
      ).join(''),
    );
  }
  const inputs = ['Dupont', 'marie.dupont', 'Contoso'];
  // Digits and symbols give many l33t readings, each matched against the table again.
  for (let index = 0; index < 40; index += 1) {
    corpus.push(`Bench!${(1_700_000_000_000 + index * 7_919_113).toString(36)}-${index}Aa9`);
  }
  // Upper-case letters whose lower case is longer ("İ" → "i̇") shift zxcvbn's positions.
  corpus.push(
    'İpassword',
    'İbrahim2024!',
    'xİbrahim99',
    'Dİyarbakır-1923',
    'İİİİİİİİİİİİİİİİİİİİİİİİİİ',
  );
  for (const password of [...corpus, 'Dupont2024!', 'contoso-marie', 'Constructor__proto__1']) {
    for (const userInputs of [[], inputs, ['İbrahim', 'Yılmaz']]) {
      const expected = separate.check(password, userInputs);
      const actual = merged.check(password, userInputs);
      assert.equal(actual.guesses, expected.guesses, password);
      assert.equal(actual.score, expected.score, password);
    }
  }
});

/** A small deterministic generator, so a failure names the same password every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
