import assert from 'node:assert/strict';
import { test } from 'node:test';
import { characterCount, normalise } from './normalise.js';

test('normalise lower-cases and applies exactly the substitutions Microsoft documents', () => {
  const cases: [string, string][] = [
    ['P@ssw0rd', 'password'],
    ['C0ntos0Blank12', 'contosoblankl2'],
    ['ContoS0Bl@nkf9!', 'contosoblankf9!'],
    ['$1$', 'sls'],
    // 3→e, 4→a, 5→s, 7→t, €→e are not Entra substitutions.
    ['W3lc0m3', 'w3lcom3'],
    ['P4$$', 'p4ss'],
    ['€uro', '€uro'],
    ['ÉTÉ', 'été'],
  ];
  for (const [input, expected] of cases) assert.equal(normalise(input), expected, input);
});

test('characterCount counts code points, not UTF-16 units', () => {
  assert.equal(characterCount('abc'), 3);
  assert.equal(characterCount('😀😀'), 2);
  assert.equal(characterCount(''), 0);
});
