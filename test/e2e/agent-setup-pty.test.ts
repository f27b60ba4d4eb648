import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { loadAgentConfig } from '@ferry/agent';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { repoRoot } from '../../scripts/support/processes.js';
import { FerrySystem } from './support/ferry-system.js';
import { PtySession } from './support/pty-session.js';
import { TcpRelay } from './support/tcp-relay.js';

const agentCli = ['--conditions=ferry-source', '--import', 'tsx', 'packages/agent/src/cli/main.ts'];

describe('ferry-agent setup on a terminal: a person answers the wizard through a pseudo-terminal', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let relay: TcpRelay;
  let session: PtySession | undefined;

  before(async () => {
    lab = await openLab();
    system = new FerrySystem({ lab: lab.state });
    await system.startNode();
    // The DC's LDAPS port on an address its certificate does not name, as when an admin types
    // the DC's IP address.
    relay = await TcpRelay.start(
      { host: '127.0.0.2', port: 636 },
      { host: '127.0.0.1', port: 636 },
    );
  });
  after(async () => {
    session?.kill();
    await relay?.close();
    await system?.stop();
    await lab?.close();
  });

  test('CA file asked, name mismatch explained and fixed, wrong password asked again, OUs and writeback ticked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-setup-pty-'));
    const configFile = path.join(dir, 'etc', 'agent.yaml');
    const token = (await system.api.post('/api/v1/agents/enrollment-tokens')).json.token as string;
    const wrong = `Wrong-${randomBytes(6).toString('hex')}`;
    const { serviceAccount, caFile, ous } = lab.state;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('FERRY_AGENT_')),
    );
    session = new PtySession(
      process.execPath,
      [
        ...agentCli,
        'setup',
        '--config',
        configFile,
        '--state-dir',
        path.join(dir, 'state'),
        '--systemd-root',
        path.join(dir, 'root'),
      ],
      { cwd: repoRoot, env: { ...env, TERM: 'xterm' } },
    );
    const s = session;
    await s.answer(/Cloud URL \(https:\/\/\.\.\.\): $/, system.nodes[0]!.url);
    await s.answer(/Enrollment token \(Admin center, On-premises page\) \(not shown\): $/, token);
    await s.answer(/Agent name in the Admin center \[[^\]]+\]: $/, 'setup-pty');
    await s.answer(/Domain controller \(host name or ldaps:\/\/ URL\): $/, '127.0.0.2');
    await s.expect(/trusted: {2}no \(/);
    await s.answer(/PEM file of the CA that signed the DC's certificate: $/, caFile);
    await s.expect(/The certificate does not name "127\.0\.0\.2": it names 127\.0\.0\.1, /);
    await s.answer(/Use ldaps:\/\/localhost:636 instead\? \[Y\/n\]: $/, 'y');
    const [, fingerprint] = await s.expect(/SHA-256: {2}([0-9A-F:]{95})/);
    await s.answer(/Is this the certificate of your DC localhost\? \[y\/N\]: $/, 'y');
    await s.answer(/Service account DN: $/, serviceAccount.dn);
    await s.answer(/Password of CN=svc-ferry[^\n]* \(not shown\): $/, wrong);
    await s.expect(/The bind as CN=svc-ferry[^\n]* failed/);
    await s.answer(/Service account DN: $/, serviceAccount.dn);
    await s.answer(/Password of CN=svc-ferry[^\n]* \(not shown\): $/, serviceAccount.password);
    await s.expect(/Bound to ldaps:\/\/localhost:636/);
    await s.expect(/Directory: Active Directory/);
    // The domain's DCs are listed; the lab's own name does not resolve here, so none is offered.
    await s.expect(
      /Domain controllers of this domain:\n {2}\S+ \(rootDSE dnsHostName; the DC answering on ldaps:\/\/localhost:636/,
    );
    await s.answer(/Base DN \(users are found under it\) \[DC=corp,DC=example,DC=test\]: $/, '');
    const [, staff] = await s.expect(new RegExp(`\\[ \\] (\\d+)\\. ${ous.staff}\\n`));
    await s.answer(/Numbers to tick or untick \(Enter when done\): $/, staff!);
    await s.expect(new RegExp(`\\[x\\] ${staff}\\. ${ous.staff}\\n`));
    await s.answer(/Numbers to tick or untick \(Enter when done\): $/, '');
    await s.answer(/Leave out critical system objects[^\n]*\[Y\/n\]: $/, '');
    await s.expect(/\[ \] 1\. Password writeback/);
    await s.answer(/Numbers to tick or untick \(Enter when done\): $/, '1');
    await s.expect(/\[x\] 1\. Password writeback/);
    await s.answer(/Numbers to tick or untick \(Enter when done\): $/, '');
    await s.expect(/Summary\n/);
    await s.answer(/Write this configuration and enroll\? \[Y\/n\]: $/, '');
    await s.expect(/Enrolled as \S+/);
    await s.answer(/Install and start the systemd service ferry-agent\? \[y\/N\]: $/, 'y');
    assert.equal(await s.exited, 0, s.screen);

    for (const secret of [wrong, serviceAccount.password, token])
      assert.equal(s.screen.includes(secret), false, 'secrets are not echoed');
    assert.match(fingerprint!, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const config = loadAgentConfig({ FERRY_AGENT_CONFIG: configFile });
    assert.deepEqual(config.ldapUrls, ['ldaps://localhost:636']);
    assert.equal(config.ldapCaFile, caFile);
    assert.equal(config.bindPassword, serviceAccount.password);
    assert.deepEqual(config.syncIncludeOus, [ous.staff]);
    assert.equal(config.syncCriticalObjects, false);
    assert.equal(config.passwordWriteback, true);
    assert.equal(config.directory, 'ad');
    assert.ok(existsSync(path.join(dir, 'root/etc/systemd/system/ferry-agent.service')));
    assert.match(readFileSync(configFile, 'utf8'), /^accountUnlock: true$/m);
    const { json } = await system.api.get('/api/v1/agents');
    assert.ok(
      json.items.some((agent: { name: string }) => agent.name === 'setup-pty'),
      'the agent is enrolled under the name typed',
    );
  });

  test('Ctrl-C at a question stops the wizard, and nothing is written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-setup-pty-'));
    const configFile = path.join(dir, 'agent.yaml');
    const cancelled = new PtySession(
      process.execPath,
      [...agentCli, 'setup', '--config', configFile, '--state-dir', path.join(dir, 'state')],
      { cwd: repoRoot, env: { ...process.env, TERM: 'xterm' } },
    );
    session = cancelled;
    await cancelled.expect(/Cloud URL \(https:\/\/\.\.\.\): $/);
    cancelled.write('\x03');
    assert.equal(await cancelled.exited, 130, cancelled.screen);
    assert.match(cancelled.screen, /setup cancelled/);
    assert.equal(existsSync(configFile), false);
  });
});
