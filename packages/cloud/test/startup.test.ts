import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');
const main = ['--conditions=ferry-source', '--import', 'tsx', 'packages/cloud/src/main.ts'];

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if ((key.startsWith('FERRY_') && !(key in extra)) || key === 'DATABASE_URL') delete env[key];
  }
  return env;
}

test('an invalid FERRY_PORT stops the cloud before it listens, naming the key', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-cloud-start-'));
  try {
    const result = spawnSync(process.execPath, main, {
      cwd: root,
      env: cleanEnv({ FERRY_PORT: 'eighty', FERRY_DATA_DIR: dataDir }),
      encoding: 'utf8',
    });
    assert.equal(result.status, 78);
    assert.match(result.stderr, /config_invalid/);
    assert.match(result.stderr, /port \(FERRY_PORT\)/);
    assert.equal(result.stdout, '');
    const tooHigh = spawnSync(process.execPath, main, {
      cwd: root,
      env: cleanEnv({ FERRY_PORT: '70000', FERRY_DATA_DIR: dataDir }),
      encoding: 'utf8',
    });
    assert.equal(tooHigh.status, 78);
    assert.match(tooHigh.stderr, /FERRY_PORT/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('main.ts (what npm start runs) prints one line, serves, keeps a 0600 key, and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-cloud-start-'));
  const child = spawn(process.execPath, main, {
    cwd: root,
    env: cleanEnv({ FERRY_PORT: '0', FERRY_DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^ferry cloud listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.match(stderr, /no admin yet\. Open http:\/\/127\.0\.0\.1:\d+\/setup#token=/);
    assert.equal(statSync(path.join(dataDir, 'data.key')).mode & 0o777, 0o600);
    assert.equal(statSync(path.join(dataDir, 'ferry.sqlite')).mode & 0o777, 0o600);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.equal(stdout.split('\n').filter(Boolean).length, 1, stdout);
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
