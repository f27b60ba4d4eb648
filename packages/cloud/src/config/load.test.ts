import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, redactConfig } from './load.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-config-'));

test('defaults apply when nothing is set', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, './data');
  assert.equal(config.databaseUrl, undefined);
  assert.ok(Object.isFrozen(config));
});

test('the file overrides defaults and the environment overrides the file', () => {
  const file = path.join(dir, 'ferry.yaml');
  writeFileSync(file, 'port: 9000\nhost: 0.0.0.0\nsignInMaxFailures: 3\n');
  const config = loadConfig({
    FERRY_CONFIG: file,
    FERRY_PORT: '9100',
    FERRY_TRUST_PROXY: '10.0.0.0/8',
  });
  assert.equal(config.port, 9100);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.signInMaxFailures, 3);
  assert.deepEqual(config.trustProxy, ['10.0.0.0/8']);
  const json = path.join(dir, 'ferry.json');
  writeFileSync(json, JSON.stringify({ logLevel: 'warn' }));
  assert.equal(loadConfig({ FERRY_CONFIG: json }).logLevel, 'warn');
});

test('secret keys read <ENV>_FILE and are redacted when printed', () => {
  const file = path.join(dir, 'db-url');
  writeFileSync(file, 'postgres://ferry:s3cret-db-pass@db/ferry\n');
  const config = loadConfig({ DATABASE_URL_FILE: file });
  assert.equal(config.databaseUrl, 'postgres://ferry:s3cret-db-pass@db/ferry');
  assert.doesNotMatch(JSON.stringify(redactConfig(config)), /s3cret/);
});

test('a bad value fails naming the key and where it came from, never the value', () => {
  assert.throws(
    () => loadConfig({ FERRY_PORT: 'eighty' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /port \(FERRY_PORT\)/.test(error.message) &&
      !/eighty/.test(error.message),
  );
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /databaseUrl/.test(error.message) &&
      !/hunter2/.test(error.message),
  );
  const file = path.join(dir, 'typo.yaml');
  writeFileSync(file, 'prot: 80\n');
  assert.throws(() => loadConfig({ FERRY_CONFIG: file }), /prot/);
  assert.throws(() => loadConfig({ FERRY_CONFIG: path.join(dir, 'missing.yaml') }), /FERRY_CONFIG/);
});
