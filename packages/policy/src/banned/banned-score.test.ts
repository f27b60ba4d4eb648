import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreBannedTerms } from './banned-score.js';
import { nameTerms } from './name-terms.js';
import { BannedTermIndex } from './term-index.js';

// Entra's walk-through: "contoso" on the custom list, "blank" on the global list.
const global = new BannedTermIndex('global', ['blank']);
const custom = new BannedTermIndex('custom', ['contoso']);
const lists = [global, custom];

test('Entra example 1: "C0ntos0Blank12" = [contoso] + [blank] + [1] + [2] = 4, rejected', () => {
  const result = scoreBannedTerms('C0ntos0Blank12', { lists });
  assert.equal(result.score, 4);
  assert.equal(result.ok, false);
  assert.deepEqual(result.sources, ['global', 'custom']);
});

test('Entra example 2: "ContoS0Bl@nkf9!" = [contoso] + [blank] + f + 9 + ! = 5, accepted', () => {
  const result = scoreBannedTerms('ContoS0Bl@nkf9!', { lists });
  assert.equal(result.score, 5);
  assert.equal(result.ok, true);
});

test('scores per rule: normalisation, fuzzy, overlap, characters', () => {
  const password = new BannedTermIndex('global', ['password', 'pass', 'word']);
  const cases: [string, number][] = [
    ['P@ssw0rd', 1], // normalised to a banned term
    ['Passw0rd!!', 3], // term + 2 characters
    ['Pa$$word12345', 6], // term + l2345
    ['Paxsword', 1], // substitution inside: fuzzy
    ['Pasword', 1], // deletion: fuzzy
    ['Passsword', 1], // insertion: fuzzy
    ['PassWordPass', 2], // two occurrences, each 1 point
    ['xkcd-zebra', 10], // nothing banned: every character
    ['😀😀😀😀😀', 5], // characters, not UTF-16 units
    ['', 0],
  ];
  for (const [input, score] of cases) {
    assert.equal(scoreBannedTerms(input, { lists: [password] }).score, score, input);
  }
});

test('names and tenant: substring only, 4+ characters, 1 point each', () => {
  const names = nameTerms(['Anne-Marie', 'Bob']);
  const tenant = nameTerms(['Contoso Ltd']);
  const score = (password: string) =>
    scoreBannedTerms(password, { lists: [], nameTerms: names, tenantTerms: tenant });
  assert.deepEqual(score('Anne12'), { score: 3, ok: false, sources: ['name'] });
  assert.equal(score('MARIE!!!').score, 4);
  assert.equal(score('Bob12').score, 5, 'a 3-character name is not checked');
  assert.deepEqual(score('C0ntoso!!'), { score: 3, ok: false, sources: ['tenant'] });
  assert.equal(score('Contosa!!').score, 9, 'names are not fuzzy-matched');
  assert.equal(score('Ltd!').score, 4, 'a 3-character part of a name is not checked');
});

test('nameTerms: whole name and parts, normalised, 4+ characters', () => {
  assert.deepEqual(nameTerms(['Anne-Marie Dupont', undefined, '', 'Li']), [
    'anne-marie dupont',
    'anne',
    'marie',
    'dupont',
  ]);
  assert.deepEqual(nameTerms(['S1mon']), ['slmon']);
});
