import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

// trie-dictionary-matcher.ts replaces a private method of @zxcvbn-ts/core's dictionary matcher
// (a class its typings keep private), so the package is pinned exactly. Moving the pin means
// reading the new version's matcher, adapting the replacement, then updating this version.
const PINNED = '4.2.0';

test('@zxcvbn-ts/core is pinned exactly to the version trie-dictionary-matcher.ts was read against', () => {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { dependencies: Record<string, string> };
  assert.equal(manifest.dependencies['@zxcvbn-ts/core'], PINNED);
  const entry = createRequire(import.meta.url).resolve('@zxcvbn-ts/core');
  const installed = JSON.parse(
    readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'),
  ) as { version: string };
  assert.equal(installed.version, PINNED);
});
