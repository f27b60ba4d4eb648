import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startCompiledCloud } from './helpers/compiled-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-nginx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Debian's nginx as docs/operations.md configures it, run from a temp folder in the foreground. */
async function startNginx(upstream: string, port: number) {
  for (const sub of ['logs', 'temp']) mkdirSync(path.join(dir, sub), { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `user root;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
    }
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
}
`,
  );
  const nginx = spawn('/usr/sbin/nginx', ['-p', dir, '-c', conf], { stdio: 'inherit' });
  // nginx prints nothing when ready: wait until its port answers.
  for (;;) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited ${nginx.exitCode}`);
    const up = await status(`http://127.0.0.1:${port}/healthz`, '127.0.0.1').catch(() => 0);
    if (up === 200) return nginx;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET from a chosen loopback source address, optionally with a forged X-Forwarded-For. */
function status(url: string, localAddress: string, forwardedFor?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        localAddress,
        agent: false,
        headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.once('error', reject);
    outgoing.end();
  });
}

test('behind nginx, per-IP limits count the real client and a forged X-Forwarded-For is ignored', async () => {
  const limit = 5;
  const cloud = await startCompiledCloud({
    FERRY_DATA_DIR: path.join(dir, 'data'),
    FERRY_TRUST_PROXY: '1',
    FERRY_RATE_LIMIT_PER_MINUTE: String(limit),
  });
  const port = await freePort();
  const nginx = await startNginx(cloud.url, port);
  const url = `http://127.0.0.1:${port}/api/openapi.json`;
  try {
    // One client forges a new address on every request: with every X-Forwarded-For believed
    // each would count as a new client and never be limited.
    const answers: number[] = [];
    for (let index = 0; index <= limit; index += 1)
      answers.push(await status(url, '127.0.0.2', `198.51.100.${index + 1}`));
    assert.deepEqual(answers, [...Array<number>(limit).fill(200), 429]);
    // Another client behind the same proxy still has its own allowance.
    assert.equal(await status(url, '127.0.0.3'), 200);
    assert.equal(await status(url, '127.0.0.3', '127.0.0.2'), 200);
  } finally {
    nginx.kill('SIGTERM');
    await once(nginx, 'exit');
    cloud.child.kill('SIGTERM');
    await once(cloud.child, 'exit');
  }
});
