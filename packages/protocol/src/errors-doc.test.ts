import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errorRegistry } from './error-registry.js';
import { renderErrorsDoc } from './errors-doc.js';
import { outcomeCodes } from './outcomes.js';

test('docs/errors.md equals the registry (run `npm run docs` after changing it)', () => {
  const committed = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(committed, renderErrorsDoc());
});

test('every outcome code has a registry entry of kind outcome', () => {
  for (const code of outcomeCodes) {
    const entry = (errorRegistry as Record<string, { kind: string } | undefined>)[code];
    assert.equal(entry?.kind, 'outcome', `outcome ${code} lacks an outcome entry`);
  }
});

test('every registry entry has a user message and an operator hint', () => {
  for (const [code, entry] of Object.entries(errorRegistry)) {
    assert.match(code, /^[a-z][a-z_]+$/, `code ${code} is not snake_case`);
    assert.ok(entry.message.length > 5 && entry.operatorHint.length > 5, code);
    assert.ok(entry.httpStatus >= 200 && entry.httpStatus < 600, code);
  }
});
