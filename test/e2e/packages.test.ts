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
import { DpkgRoot, withVersion } from './support/dpkg-root.js';
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

  describe('dpkg installs, upgrades, removes and purges them, running their maintainer scripts', () => {
    // A copy of this machine (overlay over /, in a private mount namespace) where dpkg really
    // runs postinst, prerm and postrm; the host's dpkg database and files stay untouched.
    let dpkg: DpkgRoot;
    const statOf = (paths: string): string => dpkg.must(`stat -c '%n %a %U:%G' ${paths}`);
    const DIGEST_STATE = 'sha256sum /var/lib/ferry/cloud/* /var/lib/ferry/agent/*';

    before(() => {
      const why = DpkgRoot.unavailable();
      if (why) throw new Error(why);
      dpkg = new DpkgRoot(path.join(work, 'dpkg-root'));
      // What a host booted with systemd has: the scripts take their systemd branch, and
      // systemctl and deb-systemd-invoke, finding themselves in a chroot, change nothing.
      dpkg.must('mkdir -p /run/systemd/system');
    });

    test('install: the ferry system user, its 0700 state folders, the conffiles, the enabled units', () => {
      const node = dpkg.run("dpkg-query -W -f '${db:Status-Status} ${Version}' nodejs");
      assert.match(
        node.output,
        /^installed /,
        "the packages depend on nodejs (>= 20.19): install Node.js as a Debian package on this machine (Debian 13 ships it; on Debian 12, NodeSource's)",
      );
      dpkg.must(
        `dpkg --force-unsafe-io -i ${built.debs['ferry-cloud']} ${built.debs['ferry-agent']}`,
      );
      const user = dpkg.must('getent passwd ferry').trim().split(':');
      assert.equal(user[5], '/var/lib/ferry');
      assert.equal(user[6], '/usr/sbin/nologin');
      assert.ok(Number(user[2]) < 1000, `a system user, not uid ${user[2]}`);
      assert.equal(
        statOf('/var/lib/ferry /var/lib/ferry/cloud /var/lib/ferry/agent'),
        '/var/lib/ferry 700 ferry:ferry\n/var/lib/ferry/cloud 700 ferry:ferry\n/var/lib/ferry/agent 700 ferry:ferry\n',
      );
      for (const [name, file] of [
        ['ferry-cloud', 'cloud.yaml'],
        ['ferry-agent', 'agent.yaml'],
      ] as const) {
        const conffiles = dpkg.must(`dpkg-query -W -f '\${Conffiles}' ${name}`);
        assert.match(conffiles, new RegExp(`^ /etc/ferry/${file} [0-9a-f]{32}$`, 'm'));
        assert.equal(
          dpkg.must(`readlink /etc/systemd/system/multi-user.target.wants/${name}.service`),
          `/lib/systemd/system/${name}.service\n`,
          `${name}.service is installed and enabled`,
        );
      }
      // The installed command runs with the system's node, as the service user, and the
      // state folder is the one place it can write: the store is created there.
      dpkg.must('runuser -u ferry -- env FERRY_CONFIG=/etc/ferry/cloud.yaml ferry migrate');
      assert.match(dpkg.must('ls /var/lib/ferry/cloud'), /\S/);
      dpkg.must('runuser -u ferry -- sh -c "echo enrolled > /var/lib/ferry/agent/marker"');
    });

    test("upgrade: a newer version keeps the state and the admin's changes to the config", () => {
      dpkg.must(
        "printf '# changed by the admin\\npublicUrl: https://ferry.example.com\\n' >> /etc/ferry/cloud.yaml",
      );
      const config = dpkg.must('cat /etc/ferry/cloud.yaml');
      const state = dpkg.must(DIGEST_STATE);
      const upgrades = Object.values(built.debs).map((deb) =>
        withVersion(deb, '99.0.0', path.join(work, 'out')),
      );
      // No prompt: the packaged config did not change, so dpkg keeps the admin's silently.
      dpkg.must(`dpkg --force-unsafe-io -i ${upgrades.join(' ')}`);
      assert.equal(
        dpkg.must("dpkg-query -W -f '${Version} ' ferry-cloud ferry-agent"),
        '99.0.0 99.0.0 ',
      );
      assert.equal(dpkg.must('cat /etc/ferry/cloud.yaml'), config);
      assert.equal(dpkg.must(DIGEST_STATE), state);
      assert.match(statOf('/var/lib/ferry/cloud'), / 700 ferry:ferry\n$/);
      assert.match(
        dpkg.must(
          'runuser -u ferry -- env FERRY_CONFIG=/etc/ferry/cloud.yaml ferry migrate --status',
        ),
        /\S/,
      );
    });

    test("remove keeps state and config; purge deletes them and the units' links, and keeps the user", () => {
      const state = dpkg.must(DIGEST_STATE);
      dpkg.must('dpkg -r ferry-cloud ferry-agent');
      assert.equal(
        dpkg.must("dpkg-query -W -f '${db:Status-Status} ' ferry-cloud ferry-agent"),
        'config-files config-files ',
      );
      for (const gone of [
        '/usr/bin/ferry',
        '/usr/lib/ferry',
        '/lib/systemd/system/ferry-cloud.service',
      ]) {
        assert.equal(dpkg.run(`test -e ${gone}`).status, 1, `${gone} is removed`);
      }
      assert.equal(dpkg.must(DIGEST_STATE), state);
      assert.match(dpkg.must('cat /etc/ferry/cloud.yaml'), /changed by the admin/);

      dpkg.must('dpkg -P ferry-cloud ferry-agent');
      for (const gone of [
        '/var/lib/ferry',
        '/etc/ferry',
        '/etc/systemd/system/multi-user.target.wants/ferry-cloud.service',
        '/etc/systemd/system/multi-user.target.wants/ferry-agent.service',
        '/var/lib/systemd/deb-systemd-helper-enabled/ferry-cloud.service.dsh-also',
      ]) {
        assert.equal(dpkg.run(`test -e ${gone}`).status, 1, `${gone} is purged`);
      }
      assert.equal(dpkg.run('dpkg-query -W ferry-cloud').status, 1, 'dpkg forgot ferry-cloud');
      // Debian's advice: files the user owned may remain (backups), so it stays.
      assert.equal(dpkg.run('getent passwd ferry').status, 0);
    });
  });

  // One run serves both: the cloud from the Debian package, the agent from the tarball (their
  // files are the same, as the test above checks, so each artefact's layout is exercised).
  test('a password reset through the packaged cloud and the tarball agent reaches AD', async () => {
    const release = path.join(work, path.basename(built.tarball, '.tar.gz'));
    await resetThroughInstalled(lab, path.join(root, 'usr/bin'), path.join(release, 'bin'));
  });
});
