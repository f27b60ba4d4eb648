#!/usr/bin/env node
// Runs Ferry's tests with Node's own test runner (TypeScript through tsx, workspace
// packages resolved to their sources). Tiers: `unit` (in-process, beside the code:
// packages/*/src/**/*.test.ts) and `integration` (real peers: packages/*/test/**/*.test.ts,
// test/e2e/**/*.test.ts and test/browser/*.test.ts, the last driving Chromium). Integration
// files run one at a time: they share one lab DC.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tier = process.argv[2] ?? 'all';
const filter = process.argv[3];

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const packages = readdirSync(path.join(root, 'packages')).map((name) =>
  path.join(root, 'packages', name),
);
const unit = packages.flatMap((dir) => walk(path.join(dir, 'src')));
const integration = [
  ...packages.flatMap((dir) => walk(path.join(dir, 'test'))),
  ...walk(path.join(root, 'test', 'e2e')),
  ...walk(path.join(root, 'test', 'browser')),
];
const selected = { unit, integration, all: [...unit, ...integration] }[tier];
if (!selected) {
  console.error(`usage: run-tests.mjs unit|integration|all [filter]`);
  process.exit(2);
}
const files = selected.filter((file) => !filter || file.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files for tier "${tier}"${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}
const concurrency = tier === 'unit' ? '2' : '1';
const result = spawnSync(
  process.execPath,
  [
    '--conditions=ferry-source',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files.map((file) => path.relative(root, file)),
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
