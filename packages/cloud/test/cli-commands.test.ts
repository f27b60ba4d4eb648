import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { ferry, root, startCompiledCloud } from './helpers/compiled-cli.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'ferry-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const folder = (name: string) => path.join(scratch, name);

test('the compiled `ferry version` names the release, the schema and Node', () => {
  const result = ferry(['version'], {});
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ferry 0\.1\.0 \(schema 0\d{3}-[a-z-]+, node v\d+\.\d+\.\d+\)\n$/);
});

test('unknown commands and flags get the usage and exit 64', () => {
  const unknown = ferry(['frobnicate'], {});
  assert.equal(unknown.status, 64);
  assert.match(unknown.stderr, /unknown command "frobnicate"[\s\S]*usage: ferry/);
  const badFlag = ferry(['migrate', '--bogus'], { FERRY_DATA_DIR: folder('flag') });
  assert.equal(badFlag.status, 64);
  assert.match(badFlag.stderr, /--bogus/);
});

test('`ferry migrate` applies each migration once; a second run applies nothing', () => {
  const env = { FERRY_DATA_DIR: folder('migrate') };
  const first = ferry(['migrate'], env);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^applied 0001-core, .*; schema at 0\d{3}/);
  const second = ferry(['migrate'], env);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /^schema up to date at 0\d{3}-[a-z-]+; nothing applied\n$/);
  const status = ferry(['migrate', '--status'], env);
  assert.match(status.stdout, /^applied: 0001-core, [^\n]+\npending: none\n$/);
});

test('a node older than the schema refuses to start or migrate, says why, and changes nothing', () => {
  const dataDir = folder('newer');
  assert.equal(ferry(['migrate'], { FERRY_DATA_DIR: dataDir }).status, 0);
  const file = path.join(dataDir, 'ferry.sqlite');
  const db = new SQLite(file);
  db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run(
    '9999-from-the-future',
    new Date().toISOString(),
  );
  const before = db.prepare('select count(*) as n from kysely_migration').get();
  db.close();
  for (const args of [['migrate'], ['serve']]) {
    const result = ferry(args, { FERRY_DATA_DIR: dataDir, FERRY_PORT: '0' });
    assert.equal(result.status, 65, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /schema_newer: .*9999-from-the-future.*Upgrade this node/);
    assert.doesNotMatch(result.stdout, /listening/);
  }
  const reopened = new SQLite(file, { readonly: true });
  assert.deepEqual(reopened.prepare('select count(*) as n from kysely_migration').get(), before);
  reopened.close();
});

test('`ferry backup` copies a store that is being written to consistently, with its key', async () => {
  const dataDir = folder('live');
  const cloud = await startCompiledCloud({ FERRY_DATA_DIR: dataDir });
  // A second writer commits two rows per transaction while the backup runs: a consistent copy
  // holds an even count, a torn one an odd count or a damaged file.
  const writer = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.pragma('busy_timeout = 5000');
       db.exec('create table if not exists backup_probe (id integer primary key, pair integer)');
       const add = db.transaction((n) => { const s = db.prepare('insert into backup_probe (pair) values (?)'); s.run(n); s.run(n); });
       let n = 0; process.stdout.write('ready\\n');
       for (;;) add(n++);`,
      path.join(dataDir, 'ferry.sqlite'),
    ],
    { cwd: path.join(root, 'packages/cloud'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await once(writer.stdout, 'data');
    const backupDir = folder('backup');
    const result = ferry(['backup', backupDir], { FERRY_DATA_DIR: dataDir });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /backup written to .*store and data key/);
    writer.kill('SIGKILL');
    assert.equal(statSync(backupDir).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(backupDir).sort(), [
      'data.key',
      'ferry-backup.json',
      'ferry.sqlite',
    ]);
    for (const name of ['data.key', 'ferry.sqlite'])
      assert.equal(statSync(path.join(backupDir, name)).mode & 0o777, 0o600, name);
    const copy = new SQLite(path.join(backupDir, 'ferry.sqlite'), { readonly: true });
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    const { rows } = copy.prepare('select count(*) as rows from backup_probe').get() as {
      rows: number;
    };
    copy.close();
    assert.ok(rows > 0, 'the writer committed before the copy');
    assert.equal(rows % 2, 0, `a torn transaction in the copy: ${rows} rows`);

    const again = ferry(['backup', backupDir], { FERRY_DATA_DIR: dataDir });
    assert.equal(again.status, 73);
    assert.match(again.stderr, /not empty/);
  } finally {
    writer.kill('SIGKILL');
    cloud.child.kill('SIGTERM');
    await once(cloud.child, 'exit');
  }
});

test('`ferry restore` puts a backup back, refuses to overwrite without --replace or a damaged copy', async () => {
  const backupDir = folder('backup');
  const target = folder('restored');
  const fresh = ferry(['restore', backupDir], { FERRY_DATA_DIR: target });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.equal(
    readFileSync(path.join(target, 'data.key'), 'utf8'),
    readFileSync(path.join(folder('live'), 'data.key'), 'utf8'),
  );
  const refused = ferry(['restore', backupDir], { FERRY_DATA_DIR: target });
  assert.equal(refused.status, 73);
  assert.match(refused.stderr, /exists; stop the cloud and add --replace/);
  const replaced = ferry(['restore', backupDir, '--replace'], { FERRY_DATA_DIR: target });
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.ok(readdirSync(target).some((name) => /^ferry\.sqlite\.replaced-/.test(name)));

  const restored = new SQLite(path.join(target, 'ferry.sqlite'), { readonly: true });
  const backup = new SQLite(path.join(backupDir, 'ferry.sqlite'), { readonly: true });
  const count = (db: SQLite.Database) => db.prepare('select count(*) as n from backup_probe').get();
  assert.deepEqual(count(restored), count(backup));
  restored.close();
  backup.close();
  const status = ferry(['migrate', '--status'], { FERRY_DATA_DIR: target });
  assert.match(status.stdout, /pending: none/);
  const damaged = folder('damaged');
  ferry(['backup', damaged], { FERRY_DATA_DIR: target });
  const bytes = readFileSync(path.join(damaged, 'ferry.sqlite'));
  bytes.fill(0x41, 4096, 12288);
  writeFileSync(path.join(damaged, 'ferry.sqlite'), bytes);
  const broken = ferry(['restore', damaged], { FERRY_DATA_DIR: folder('never') });
  assert.equal(broken.status, 65, broken.stderr);
  assert.match(broken.stderr, /ferry restore: the backup fails SQLite's check: /);
});

test('with PostgreSQL, backup and restore say which tools to use instead', () => {
  const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ferry_unused' };
  const backup = ferry(['backup', folder('pg')], env);
  assert.equal(backup.status, 64);
  assert.match(backup.stderr, /pg_dump .* data key/);
  const restore = ferry(['restore', folder('pg')], env);
  assert.equal(restore.status, 64);
  assert.match(restore.stderr, /pg_restore/);
});
