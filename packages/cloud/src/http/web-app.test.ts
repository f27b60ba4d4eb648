import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { defaultWebDir, installWebApp } from './web-app.js';

function builtWebDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Ferry SPA</title>');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  return dir;
}

test('the built SPA is served at / with the fallback for each portal path', async () => {
  const app = Fastify();
  await installWebApp(app, builtWebDir());
  for (const url of ['/', '/sspr', '/myaccount', '/admin', '/admin/users', '/sspr/a/b']) {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 200, url);
    assert.match(response.body, /Ferry SPA/, url);
    assert.equal(response.headers['cache-control'], 'no-cache', url);
  }
  const asset = await app.inject({ url: '/assets/index-abc123.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['content-type']), /javascript/);
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal((await app.inject({ url: '/assets/missing.js' })).statusCode, 404);
  assert.equal((await app.inject({ url: '/elsewhere' })).statusCode, 404);
  await app.close();
});

test('a missing build is not fatal: the portal paths say how to build it', async () => {
  const app = Fastify();
  await installWebApp(app, mkdtempSync(path.join(tmpdir(), 'ferry-web-empty-')));
  for (const url of ['/', '/sspr', '/admin/users']) {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 503, url);
    assert.match(response.body, /npm run build/, url);
  }
  await app.close();
});

test('by default the cloud looks for packages/web/dist', () => {
  assert.ok(defaultWebDir().endsWith(path.join('packages', 'web', 'dist')));
});
