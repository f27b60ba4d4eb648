import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { buildPackages, type BuiltPackages } from '../../scripts/package/build.js';
import { repoRoot } from '../../scripts/support/processes.js';
import { FerrySystem } from './support/ferry-system.js';
import { syncedLabUser } from './support/synced-lab-user.js';

/** Dev-only packages that must not be in what ships (the build's tools, the test runner's). */
const DEV_ONLY = ['tsx', 'typescript', 'esbuild', 'eslint', 'vite', 'fast-check', '@types'];

function foldersNamed(dir: string, names: readonly string[], found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (names.includes(entry.name)) found.push(full);
    foldersNamed(full, names, found);
  }
  return found;
}

/** Every file under `dir` with its SHA-256, by relative path. */
function digests(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return new Map(
    files
      .filter((file) => statSync(path.join(dir, file)).isFile())
      .map((file) => [
        file,
        createHash('sha256')
          .update(readFileSync(path.join(dir, file)))
          .digest('hex'),
      ]),
  );
}

/**
 * One admin password reset through the cloud run by `cloudBin`'s `ferry` and the agent run by
 * `agentBin`'s `ferry-agent` (installed commands, compiled JavaScript, plain node): the lab
 * DC accepts the new password afterwards.
 */
async function resetThroughInstalled(
  lab: LabFixture,
  cloudBin: string,
  agentBin: string,
): Promise<void> {
  const system = new FerrySystem({
    lab: lab.state,
    runtime: { bin: cloudBin },
    agentRuntime: { bin: agentBin },
    operationTimeoutSeconds: 30,
  });
  try {
    await system.startNode();
    await system.addAgent();
    const user = await syncedLabUser(lab, system);
    const password = `Pk${randomBytes(6).toString('hex')}!Dq-${randomBytes(3).toString('hex')}`;
    const answer = await system.api.post(`/api/v1/users/${user.userId}/password`, { password });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.json.outcome, 'applied');
    const bound = await lab
      .connector()
      .verifyCredentials(
        { by: 'sAMAccountName', value: user.account.sAMAccountName },
        Secret.of(password),
      );
    assert.equal(bound.code, 'applied');
    assert.equal(system.logs().includes(password), false, 'the new password is never printed');
  } finally {
    await system.stop();
  }
}

describe('packages: the Debian packages and the tarball install and run without dev dependencies', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'ferry-packages-'));
  const root = path.join(work, 'root');
  let built: BuiltPackages;
  let lab: LabFixture;

  before(async () => {
    lab = await openLab();
    built = buildPackages(repoRoot, path.join(work, 'out'));
    mkdirSync(root);
    for (const deb of Object.values(built.debs)) execFileSync('dpkg-deb', ['-x', deb, root]);
    execFileSync('tar', ['-xzf', built.tarball, '-C', work]);
  });
  after(async () => {
    await lab?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('lintian finds no error in either package', () => {
    const run = spawnSync('lintian', ['--tag-display-limit', '0', ...Object.values(built.debs)], {
      encoding: 'utf8',
    });
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('E: '));
    assert.deepEqual(errors, [], run.stdout);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });

  test('each package declares its Node runtime, its config file is a conffile that changes only the state folder', () => {
    for (const [name, deb] of Object.entries(built.debs)) {
      const depends = execFileSync('dpkg-deb', ['-f', deb, 'Depends'], { encoding: 'utf8' });
      assert.match(depends, /(^|, )nodejs \(>= 20\.19\)/, name);
      const conffiles = execFileSync('dpkg-deb', ['--info', deb, 'conffiles'], {
        encoding: 'utf8',
      });
      assert.equal(conffiles, `/etc/ferry/${name === 'ferry-cloud' ? 'cloud' : 'agent'}.yaml\n`);
    }
    const cloud = parse(readFileSync(path.join(root, 'etc/ferry/cloud.yaml'), 'utf8'));
    assert.deepEqual(cloud, { dataDir: '/var/lib/ferry/cloud' });
    const agent = parse(readFileSync(path.join(root, 'etc/ferry/agent.yaml'), 'utf8'));
    assert.deepEqual(agent, { stateDir: '/var/lib/ferry/agent' });
  });

  test('no dev dependency ships; better-sqlite3 ships its compiled module only', () => {
    const lib = path.join(root, 'usr/lib/ferry');
    assert.deepEqual(foldersNamed(lib, DEV_ONLY), []);
    assert.deepEqual(
      foldersNamed(path.join(work, path.basename(built.tarball, '.tar.gz')), DEV_ONLY),
      [],
    );
    const sqlite = path.join(lib, 'cloud/node_modules/better-sqlite3');
    assert.ok(existsSync(path.join(sqlite, 'build/Release/better_sqlite3.node')));
    assert.equal(existsSync(path.join(sqlite, 'deps')), false);
    // The agent has no native module: it is one package for every architecture.
    assert.match(built.debs['ferry-agent']!, /_all\.deb$/);
  });

  test('the tarball holds the same runtime files as the packages, and the same commands', () => {
    const release = path.join(work, path.basename(built.tarball, '.tar.gz'));
    assert.deepEqual(
      digests(path.join(release, 'lib/ferry')),
      digests(path.join(root, 'usr/lib/ferry')),
    );
    assert.deepEqual(digests(path.join(release, 'bin')), digests(path.join(root, 'usr/bin')));
    const version = spawnSync(path.join(release, 'bin/ferry'), ['version'], {
      encoding: 'utf8',
      cwd: work,
      env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin` },
    });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^ferry \d+\.\d+\.\d+ \(schema /);
  });

  // One run serves both: the cloud from the Debian package, the agent from the tarball (their
  // files are the same, as the test above checks, so each artefact's layout is exercised).
  test('a password reset through the packaged cloud and the tarball agent reaches AD', async () => {
    const release = path.join(work, path.basename(built.tarball, '.tar.gz'));
    await resetThroughInstalled(lab, path.join(root, 'usr/bin'), path.join(release, 'bin'));
  });
});
