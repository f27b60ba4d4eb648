import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderConfigDoc } from './config-doc.js';
import { configKeys } from './keys.js';

test('docs/config.md equals the config schema (run `npm run docs` after changing it)', () => {
  const committed = readFileSync(new URL('../../../../docs/config.md', import.meta.url), 'utf8');
  assert.equal(committed, renderConfigDoc());
});

test('every config key has an environment variable and a description', () => {
  for (const info of configKeys()) {
    assert.match(info.env, /^(FERRY_[A-Z_]+|DATABASE_URL)$/, info.key);
    assert.ok(info.description.length > 10, info.key);
  }
});
