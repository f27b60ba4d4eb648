import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { labPaths, requireLabState } from '../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function lab(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--conditions=ferry-source', '--import', 'tsx', 'packages/lab/src/cli.ts', ...args],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

test('up on a running lab is a no-op that prints where the CA and credentials are', async () => {
  const before = await requireLabState();
  const { status, out } = lab('up');
  assert.equal(status, 0, out);
  assert.doesNotMatch(out, /provisioning|seeding|started samba/);
  assert.match(out, new RegExp(`CA file\\s+${before.caFile.replaceAll('/', '\\/')}`));
  assert.match(out, /credentials\s+.*lab\.json/);
  // Credentials are in a 0600 file; the command itself prints no password.
  assert.ok(!out.includes(before.admin.password) && !out.includes(before.serviceAccount.password));
  assert.equal(statSync(labPaths().stateFile).mode & 0o777, 0o600);
  assert.deepEqual(await requireLabState(), before);
});

test('status says the lab answers LDAPS', () => {
  const { status, out } = lab('status');
  assert.equal(status, 0, out);
  assert.match(out, /provisioned=true running=true \(pid \d+\) ldaps=answers/);
});

test('bad commands and flags get a usage error and exit code 2', () => {
  for (const args of [
    ['bogus'],
    [],
    ['users'],
    ['users', '--count', 'ten'],
    ['users', '--count', '0'],
  ]) {
    const { status, out } = lab(...args);
    assert.equal(status, 2, `${args.join(' ')}: ${out}`);
    assert.match(out, /usage: npm run lab/);
  }
});
