import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadAgentConfig } from '@ferry/agent';
import { requireOpenLdapState } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { startProcess } from '../../scripts/support/processes.js';
import { eventually } from './support/eventually.js';
import { FerrySystem } from './support/ferry-system.js';
import { TcpRelay } from './support/tcp-relay.js';

/** An environment like an admin's shell: no FERRY_AGENT_* variable. */
function adminEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('FERRY_AGENT_')),
  );
}

/** `ferry-agent setup ARGS` to its end: exit code and everything it printed. */
async function setup(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startProcess('packages/agent/src/cli/main.ts', ['setup', ...args], {});
  const code = await new Promise<number | null>((resolve) => {
    if (run.child.exitCode !== null) resolve(run.child.exitCode);
    else run.child.once('exit', resolve);
  });
  return { code, output: run.output.join('\n') };
}

describe('ferry-agent setup --yes: the flags alone make an agent that serves writeback and sync', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let relay: TcpRelay;
  let dir: string;
  let agent: ReturnType<typeof spawn> | undefined;
  const passwordFile = (): string => path.join(dir, 'svc-password');

  before(async () => {
    lab = await openLab();
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
    // The DC by an address its certificate does not hold.
    relay = await TcpRelay.start({ host: '127.0.0.2', port: 0 }, { host: '127.0.0.1', port: 636 });
    dir = mkdtempSync(path.join(tmpdir(), 'ferry-setup-'));
    writeFileSync(passwordFile(), `${lab.state.serviceAccount.password}\n`, { mode: 0o600 });
  });
  after(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent!.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    await relay?.close();
    await system?.stop();
    await lab?.close();
  });

  const base = (name: string): string[] => [
    '--yes',
    '--config',
    path.join(dir, name, 'agent.yaml'),
    '--state-dir',
    path.join(dir, name, 'state'),
    '--cloud',
    system.nodes[0]!.url,
    '--token',
    'never-used',
    '--bind-dn',
    lab.state.serviceAccount.dn,
  ];

  test('refusals name the problem and the fix, and write nothing', async () => {
    const relayPort = (relay.server.address() as { port: number }).port;
    const wrongPassword = path.join(dir, 'wrong-password');
    const wrong = `Wrong-${randomBytes(6).toString('hex')}`;
    writeFileSync(wrongPassword, wrong);
    // Three separate runs, started together (each is a cold start).
    const [mismatch, untrusted, badBind] = await Promise.all([
      setup([
        ...base('mismatch'),
        '--dc',
        `127.0.0.2:${relayPort}`,
        '--ca-file',
        lab.state.caFile,
        '--bind-password-file',
        passwordFile(),
      ]),
      setup([...base('untrusted'), '--dc', '127.0.0.1']),
      setup([
        ...base('bad-bind'),
        '--dc',
        'localhost',
        '--ca-file',
        lab.state.caFile,
        '--bind-password-file',
        wrongPassword,
      ]),
    ]);
    assert.equal(mismatch.code, 1, mismatch.output);
    assert.match(mismatch.output, /error \[certificate_name_mismatch\]/);
    assert.match(
      mismatch.output,
      /does not name "127\.0\.0\.2": it names 127\.0\.0\.1, .*localhost/,
    );
    assert.match(mismatch.output, new RegExp(`--dc ldaps://localhost:${relayPort}`));

    assert.equal(untrusted.code, 1, untrusted.output);
    assert.match(untrusted.output, /error \[certificate_untrusted\].*--ca-file/);

    assert.equal(badBind.code, 1, badBind.output);
    assert.match(badBind.output, /error \[bind_failed\]: The bind as CN=svc-ferry/);
    assert.equal(badBind.output.includes(wrong), false, 'the password is never printed');
    for (const name of ['mismatch', 'untrusted', 'bad-bind'])
      assert.equal(existsSync(path.join(dir, name)), false, `${name}: nothing written`);
  });

  test('setup with flags, then the unit it wrote: users sync and an admin reset lands in AD', async () => {
    const user = await lab.newUser();
    const token = (await system.api.post('/api/v1/agents/enrollment-tokens')).json.token;
    const tokenFile = path.join(dir, 'token.txt');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    const fingerprint = new X509Certificate(
      readFileSync(path.join(path.dirname(lab.state.caFile), 'server-cert.pem')),
    ).fingerprint256;
    const configFile = path.join(dir, 'etc', 'agent.yaml');
    const root = path.join(dir, 'root');
    const done = await setup([
      '--yes',
      '--config',
      configFile,
      '--state-dir',
      path.join(dir, 'state'),
      '--cloud',
      system.nodes[0]!.url,
      '--token-file',
      tokenFile,
      '--name',
      'setup-flags',
      '--dc',
      lab.state.ldapsUrl,
      '--ca-file',
      lab.state.caFile,
      '--fingerprint',
      fingerprint,
      '--bind-dn',
      lab.state.serviceAccount.dn,
      '--bind-password-file',
      passwordFile(),
      '--password-writeback',
      '--install-service',
      '--systemd-root',
      root,
    ]);
    assert.equal(done.code, 0, done.output);
    assert.ok(done.output.includes(`SHA-256:  ${fingerprint}`), done.output);
    assert.match(done.output, /Directory: Active Directory/);
    assert.match(done.output, /\[x\] Password writeback/);
    assert.match(done.output, /critical objects: {3}left out/);
    assert.match(done.output, /Enrolled as \S+/);
    assert.equal(done.output.includes(lab.state.serviceAccount.password), false);
    assert.equal(statSync(configFile).mode & 0o777, 0o600);
    assert.match(readFileSync(configFile, 'utf8'), /^directory: "ad"$/m);

    const unit = readFileSync(path.join(root, 'etc/systemd/system/ferry-agent.service'), 'utf8');
    const execStart = /^ExecStart=(.+)$/m.exec(unit)![1]!.split(' ');
    assert.deepEqual(execStart.slice(-3), ['run', '--config', configFile]);
    agent = spawn(execStart[0]!, execStart.slice(1), { cwd: '/', env: adminEnv() });
    let agentOut = '';
    agent.stdout!.on('data', (chunk: Buffer) => (agentOut += chunk.toString()));
    agent.stderr!.resume();
    await eventually(async () => /running; writeback on/.test(agentOut), 'the agent to run');

    const synced = await eventually(async () => {
      const { json } = await system.api.get('/api/v1/users?limit=500');
      return json.users.find(
        (candidate: { onPremises?: { samAccountName: string } }) =>
          candidate.onPremises?.samAccountName === user.sAMAccountName,
      );
    }, `${user.sAMAccountName} to be synced`);
    const { json } = await system.api.get('/api/v1/users?limit=500');
    const names = json.users.map(
      (each: { onPremises?: { samAccountName: string } }) => each.onPremises?.samAccountName,
    );
    assert.equal(names.includes('krbtgt'), false, 'critical system objects are left out');

    const password = `Wz${randomBytes(6).toString('hex')}!Setup-${randomBytes(3).toString('hex')}`;
    const reset = await system.api.post(`/api/v1/users/${synced.id}/password`, { password });
    assert.equal(reset.status, 200, JSON.stringify(reset.json));
    assert.equal(reset.json.outcome, 'applied');
    const verified = await lab
      .connector()
      .verifyCredentials({ by: 'sAMAccountName', value: user.sAMAccountName }, Secret.of(password));
    assert.equal(verified.code, 'applied');
  });

  test('on an OpenLDAP directory the dialect is detected from the rootDSE and written', async () => {
    const openldap = await requireOpenLdapState();
    const token = (await system.api.post('/api/v1/agents/enrollment-tokens')).json.token;
    const secrets = path.join(dir, 'openldap-secrets');
    writeFileSync(secrets, openldap.serviceAccount.password, { mode: 0o600 });
    const configFile = path.join(dir, 'openldap', 'agent.yaml');
    const done = await setup([
      '--yes',
      '--config',
      configFile,
      '--state-dir',
      path.join(dir, 'openldap', 'state'),
      '--cloud',
      system.nodes[0]!.url,
      '--token',
      token,
      '--dc',
      openldap.ldapsUrl,
      '--ca-file',
      openldap.caFile,
      '--bind-dn',
      openldap.serviceAccount.dn,
      '--bind-password-file',
      secrets,
      '--password-writeback',
    ]);
    assert.equal(done.code, 0, done.output);
    assert.match(done.output, /Directory: OpenLDAP: the rootDSE is an OpenLDAProotDSE/);
    assert.doesNotMatch(done.output, /critical objects/);
    const config = loadAgentConfig({ FERRY_AGENT_CONFIG: configFile });
    assert.equal(config.directory, 'openldap');
    assert.equal(config.baseDn, openldap.baseDn);
  });
});
