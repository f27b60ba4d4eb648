import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from '../../packages/cloud/test/helpers/api-client.js';
import { sqliteBackend } from '../../packages/cloud/test/helpers/backends.js';
import { Harness } from '../../packages/cloud/test/helpers/harness.js';
import { startProcess, type RunningProcess } from '../../scripts/support/processes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ferry-agent-tls-'));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

/** A test CA, and a certificate for 127.0.0.1 signed by it. */
function makeCa(): void {
  openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key')],
    ...['-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Ferry Agent Test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE'],
  );
  openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('key.pem')],
    ...['-out', file('cert.csr'), '-subj', '/CN=127.0.0.1'],
  );
  writeFileSync(file('ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl(
    ...['x509', '-req', '-in', file('cert.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-set_serial', '0x51', '-out', file('cert.pem'), '-days', '2', '-extfile', file('ext')],
  );
}

/**
 * The agent reaches an https cloud whose certificate a private CA signed (issue 13, item 11):
 * `enroll --ca-file`, or the cloudCaFile setting, for enrollment; the same setting for the
 * channel of `run`. Without it the certificate is not trusted and nothing is sent.
 */
describe('the agent trusts the cloud through its CA file', () => {
  let h: Harness;
  let admin: ApiClient;
  let cloudUrl: string;
  const running: RunningProcess[] = [];
  before(async () => {
    makeCa();
    h = await Harness.start(sqliteBackend, {
      tlsCertFile: file('cert.pem'),
      tlsKeyFile: file('key.pem'),
    });
    cloudUrl = await h.cloud.server.listen({ host: '127.0.0.1', port: 0 });
    admin = await h.signedIn(h.global);
  });
  after(async () => {
    for (const process of running) await process.stop();
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `ferry-agent enroll` with a fresh token and state folder; its exit code and output. */
  async function enroll(flags: string[], env: NodeJS.ProcessEnv = {}) {
    const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
    h.secretsUsed.push(token);
    const stateDir = mkdtempSync(path.join(dir, 'state-'));
    writeFileSync(`${stateDir}.token`, token, { mode: 0o600 });
    const child = startProcess(
      'packages/agent/src/cli/main.ts',
      ['enroll', '--cloud', cloudUrl, '--token-file', `${stateDir}.token`, ...flags],
      { FERRY_AGENT_STATE_DIR: stateDir, FERRY_AGENT_CONFIG: '', ...env },
    );
    const [code] = (await once(child.child, 'exit')) as [number];
    return { code, output: child.output.join('\n'), stateDir };
  }

  test('without the CA file the cloud is not trusted and enrollment fails before sending', async () => {
    assert.match(cloudUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    const refused = await enroll([]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /self[- ]signed|unable to (get|verify)/i);
    assert.deepEqual((await admin.get('/api/v1/agents')).json.items, []);
  });

  test('enroll --ca-file trusts the cloud', async () => {
    const enrolled = await enroll(['--ca-file', file('ca.pem')]);
    assert.equal(enrolled.code, 0, enrolled.output);
    assert.match(enrolled.output, /enrolled as \S+/);
  });

  test('the cloudCaFile setting serves enrollment and the channel of `run`', async () => {
    const env = { FERRY_AGENT_CLOUD_CA_FILE: file('ca.pem') };
    const enrolled = await enroll([], env);
    assert.equal(enrolled.code, 0, enrolled.output);
    const agent = startProcess('packages/agent/src/cli/main.ts', ['run'], {
      ...env,
      FERRY_AGENT_CONFIG: '',
      FERRY_AGENT_STATE_DIR: enrolled.stateDir,
      // No directory here: the channel to the cloud is what is checked.
      FERRY_AGENT_LDAP_URLS: 'ldaps://127.0.0.1:1',
      FERRY_AGENT_BIND_DN: 'cn=nobody,dc=corp,dc=test',
      FERRY_AGENT_BIND_PASSWORD: 'unused',
      FERRY_AGENT_BASE_DN: 'dc=corp,dc=test',
      FERRY_AGENT_SYNC: 'false',
    });
    running.push(agent);
    await agent.waitFor(/agent channel: online/);
  });
});
