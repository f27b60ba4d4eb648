import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ferry, startCompiledCloud } from './helpers/compiled-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

/** A test CA and a server certificate for 127.0.0.1 signed by it, with a chosen serial. */
function issue(name: string, serial: string): void {
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file(`${name}.key`),
    '-out',
    file(`${name}.csr`),
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(file('ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    serial,
    '-out',
    file(`${name}.pem`),
    '-days',
    '2',
    '-extfile',
    file('ext'),
  );
}
openssl(
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  file('ca.key'),
  '-out',
  file('ca.pem'),
  '-days',
  '2',
  '-subj',
  '/CN=Ferry Test CA',
  '-addext',
  'basicConstraints=critical,CA:TRUE',
);
issue('first', '0x1001');
issue('second', '0x2002');
copyFileSync(file('first.pem'), file('cert.pem'));
copyFileSync(file('first.key'), file('key.pem'));

/** One request on a new connection: status, HSTS header and the certificate's serial. */
function probe(url: string, ca?: Buffer) {
  return new Promise<{ status: number; hsts: string | undefined; serial: string }>(
    (resolve, reject) => {
      const request = get(`${url}/healthz`, { agent: false, ...(ca ? { ca } : {}) }, (response) => {
        const serial = (response.socket as TLSSocket).getPeerCertificate().serialNumber;
        response.resume();
        resolve({
          status: response.statusCode ?? 0,
          hsts: response.headers['strict-transport-security'] as string | undefined,
          serial,
        });
      });
      request.once('error', reject);
    },
  );
}

test('the cloud serves HTTPS from cert and key files with HSTS, and swaps them on SIGHUP', async () => {
  const cloud = await startCompiledCloud({
    FERRY_DATA_DIR: file('data'),
    FERRY_TLS_CERT_FILE: file('cert.pem'),
    FERRY_TLS_KEY_FILE: file('key.pem'),
    FERRY_LOG_LEVEL: 'info',
  });
  const ca = readFileSync(file('ca.pem'));
  try {
    assert.match(cloud.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const first = await probe(cloud.url, ca);
    assert.equal(first.status, 200);
    assert.match(first.hsts ?? '', /max-age=\d{7,}/);
    assert.equal(first.serial, '1001');
    await assert.rejects(probe(cloud.url), /self[- ]signed|unable to (get|verify)/i);

    copyFileSync(file('second.pem'), file('cert.pem'));
    copyFileSync(file('second.key'), file('key.pem'));
    cloud.child.kill('SIGHUP');
    await waitFor(() => /tls certificate reloaded/.test(cloud.stderr()));
    assert.equal((await probe(cloud.url, ca)).serial, '2002');

    writeFileSync(file('cert.pem'), 'not a certificate\n');
    cloud.child.kill('SIGHUP');
    await waitFor(() =>
      /tls reload failed; the previous certificate stays in use/.test(cloud.stderr()),
    );
    assert.equal((await probe(cloud.url, ca)).serial, '2002');
    assert.doesNotMatch(cloud.stderr(), /BEGIN (RSA )?PRIVATE KEY/);
  } finally {
    cloud.child.kill('SIGTERM');
    await once(cloud.child, 'exit');
  }
});

test('a certificate without its key, or a key that does not match, stops the cloud before it listens', () => {
  const lone = ferry(['serve'], {
    FERRY_DATA_DIR: file('data'),
    FERRY_TLS_CERT_FILE: file('first.pem'),
  });
  assert.equal(lone.status, 78);
  assert.match(lone.stderr, /config_invalid: tlsCertFile \(FERRY_TLS_CERT_FILE\) and tlsKeyFile/);
  const mismatched = ferry(['serve'], {
    FERRY_DATA_DIR: file('data'),
    FERRY_TLS_CERT_FILE: file('first.pem'),
    FERRY_TLS_KEY_FILE: file('second.key'),
  });
  assert.equal(mismatched.status, 78);
  assert.match(mismatched.stderr, /config_invalid: tlsCertFile\/tlsKeyFile: cannot use/);
  assert.doesNotMatch(mismatched.stderr, /PRIVATE KEY/);
});

async function waitFor(condition: () => boolean): Promise<void> {
  // Waits on the process's own log line, not on a time budget; the test runner's timeout bounds it.
  while (!condition()) await sleep(50);
}
