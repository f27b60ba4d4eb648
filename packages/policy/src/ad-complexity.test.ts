import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAdComplexity, countCategories, displayNameTokens } from './ad-complexity.js';

test('categories as Windows counts them (3 of 5 needed)', () => {
  const cases: [string, number, string][] = [
    ['password', 1, 'lower only'],
    ['PASSWORD1', 2, 'upper + digit'],
    ['Passw0rd', 3, 'upper + lower + digit'],
    ['Password!', 3, 'upper + lower + special'],
    ['Pa1!', 4, 'four kinds, length is not complexity'],
    ['pass word1', 2, 'a space is not a special character'],
    ['pass\tword1', 2, 'nor a tab'],
    ['password€1', 2, 'currency signs are not special characters'],
    ['password£1', 2, 'pound sign neither'],
    ['passwörd1', 2, 'ö is a lower-case letter'],
    ['PASSWÖRD1', 2, 'Ö is an upper-case letter'],
    ['Пароль123', 3, 'Cyrillic upper + lower + digit'],
    ['Κωδικός1', 3, 'Greek upper + lower + digit'],
    ['密码密码Ab', 3, 'CJK letters are the fifth category'],
    ['ǅabc1', 3, 'a title-case letter is neither upper nor lower: fifth category'],
    ['abc١٢٣', 1, 'Arabic-Indic digits are not base-10 digits 0-9'],
    ['~!@#$%^&*_-+=`|\\(){}[]:;"\'<>,.?/', 1, 'the 32 listed symbols, one category'],
    ['', 0, 'empty'],
  ];
  for (const [password, count, why] of cases) {
    assert.equal(countCategories(password), count, `${JSON.stringify(password)}: ${why}`);
  }
});

test('Samba counts any non-ASCII character that is not upper or lower case', () => {
  assert.equal(countCategories('password€1', 'samba'), 3);
  assert.equal(countCategories('abc١٢٣', 'samba'), 2);
  assert.equal(countCategories('pass word1', 'samba'), 2);
  assert.equal(countCategories('Passw0rd', 'samba'), 3);
});

test('displayName tokens: split on , . - _ # space tab, 3+ characters', () => {
  assert.deepEqual(displayNameTokens('Erin M. Hagens'), ['Erin', 'Hagens']);
  assert.deepEqual(displayNameTokens('Anne-Marie_Dupont#Jr,Sr.\tLee'), [
    'Anne',
    'Marie',
    'Dupont',
    'Lee',
  ]);
  assert.deepEqual(displayNameTokens("O'Brien"), ["O'Brien"], 'an apostrophe is no delimiter');
  assert.deepEqual(displayNameTokens('Li Na Wu'), [], 'all tokens too short');
  assert.deepEqual(displayNameTokens('Jean/Paul'), ['Jean/Paul'], 'a slash is no delimiter');
});

test('account name and display name checks, case-insensitive', () => {
  const identity = { sAMAccountName: 'jdoe', displayName: 'Erin M. Hagens' };
  const cases: [string, boolean, boolean, boolean][] = [
    // password, ok, containsAccountName, containsDisplayNameToken
    ['Xq7!vR2#', true, false, false],
    ['xJDoe!2024', false, true, false],
    ['HAGENS!2024', false, false, true],
    ['erin!2024X', false, false, true],
    ['Hagen!2024X', true, false, false], // parts of a token are not checked
    ['M.2024!abc', true, false, false], // "M" is shorter than 3
  ];
  for (const [password, ok, account, display] of cases) {
    const result = checkAdComplexity(password, identity);
    assert.equal(result.ok, ok, password);
    assert.equal(result.containsAccountName, account, password);
    assert.equal(result.containsDisplayNameToken, display, password);
  }
});

test('an account name shorter than 3 characters is not checked', () => {
  assert.equal(checkAdComplexity('Jd!2024abc', { sAMAccountName: 'jd' }).ok, true);
  assert.equal(checkAdComplexity('Jdx!2024abc', { sAMAccountName: 'jdx' }).ok, false);
});

test('Samba checks neither the account name nor the display name', () => {
  const identity = { sAMAccountName: 'jdoe', displayName: 'Erin Hagens' };
  const result = checkAdComplexity('Jdoe!Erin1', identity, { dialect: 'samba' });
  assert.deepEqual(result, {
    ok: true,
    categoriesMet: 4,
    categoriesRequired: 3,
    containsAccountName: false,
    containsDisplayNameToken: false,
  });
  assert.equal(checkAdComplexity('Jdoe!Erin1', identity).ok, false);
});
