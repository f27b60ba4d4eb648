import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireLabState, type LabState } from '@ferry/lab';
import { repoRoot } from '../../scripts/support/processes.js';
import { eventually } from './support/eventually.js';
import { FerrySystem } from './support/ferry-system.js';

/** The fenced blocks of one README section, by language. */
function readmeBlocks(heading: string): { yaml: string; sh: string; shBlocks: string[] } {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "${heading}" section`);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 4));
  const block = (lang: string): string => {
    const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
    assert.ok(match, `"${heading}" has a ${lang} block`);
    return match[1]!;
  };
  const shBlocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  return { yaml: block('yaml'), sh: block('sh'), shBlocks };
}

/** The command lines of every sh block of one README section (indented blocks too). */
function readmeCommands(heading: string): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has a "${heading}" section`);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 4));
  const lines: string[] = [];
  for (const match of section.matchAll(/^( *)```sh\n([\s\S]*?)^ *```/gm)) {
    const body = match[2]!.replace(/\\\n\s*/g, '');
    lines.push(
      ...body
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    );
  }
  return lines;
}

/** A command line without its trailing comment, with single spaces. */
const bare = (line: string): string => line.replace(/\s+#.*$/, '').replace(/\s+/g, ' ');

/** A shell started like an admin's, with no FERRY_AGENT_* variable but the ones given. */
function shell(command: string, env: NodeJS.ProcessEnv) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('FERRY_AGENT_')),
  );
  const child = spawn('bash', ['-c', command], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, out, exited };
}

describe('README "Running the agent": the commands work as printed', () => {
  let lab: LabState;
  let system: FerrySystem;
  let running: ReturnType<typeof shell> | undefined;
  let agentEnv: NodeJS.ProcessEnv = {};
  let agentId = '';

  before(async () => {
    lab = await requireLabState();
    system = new FerrySystem({ lab });
    await system.startNode();
  });
  after(async () => {
    if (running && running.child.exitCode === null) {
      process.kill(-running.child.pid!, 'SIGTERM');
      await running.exited;
    }
    await system?.stop();
  });

  test('enroll with only the cloud URL and a token, then run from the config file: users sync, critical objects do not', async () => {
    const { yaml, sh } = readmeBlocks('Running the agent');
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-readme-agent-'));
    const passwordFile = path.join(dir, 'bind-password');
    writeFileSync(passwordFile, lab.serviceAccount.password, { mode: 0o600 });
    // Only the example values are replaced by the lab's; the keys are the README's own.
    const config = yaml
      .replace(/^stateDir: .*$/m, `stateDir: ${path.join(dir, 'state')}`)
      .replace(/^ldapUrls: .*$/m, `ldapUrls: [${lab.ldapsUrl}]\nldapCaFile: ${lab.caFile}`)
      .replace(/^bindDn: .*$/m, `bindDn: ${lab.serviceAccount.dn}`)
      .replace(/^bindPasswordFile: .*$/m, `bindPasswordFile: ${passwordFile}`)
      .replace(/^baseDn: .*$/m, `baseDn: ${lab.baseDn}`);
    assert.notEqual(config, yaml);
    const configFile = path.join(dir, 'agent.yaml');
    writeFileSync(configFile, config);
    const token = (await system.api.post('/api/v1/agents/enrollment-tokens')).json.token;
    writeFileSync(path.join(dir, 'token.txt'), token, { mode: 0o600 });

    const [enrollLine, runLine] = sh.trim().split('\n');
    assert.match(enrollLine!, /^npm run agent -- enroll /);
    assert.match(runLine!, /^npm run agent -- run$/);
    // /etc/ferry/agent.yaml is the machine's; the test names its own file the documented way.
    const env = { FERRY_AGENT_CONFIG: configFile };
    const enroll = shell(
      enrollLine!
        .replace('https://ferry.example.com', system.nodes[0]!.url)
        .replace('token.txt', path.join(dir, 'token.txt')),
      env,
    );
    assert.equal(await enroll.exited, 0, enroll.out.stderr);
    agentId = /ferry agent enrolled as (\S+)/.exec(enroll.out.stdout)?.[1] ?? '';
    assert.notEqual(agentId, '', enroll.out.stdout);
    agentEnv = env;

    running = shell(runLine!, env);
    await eventually(
      async () => /running; writeback on/.test(running!.out.stdout),
      'the agent to say it runs',
    );
    const names = await eventually(async () => {
      const { json } = await system.api.get('/api/v1/users?limit=500');
      const synced = json.users
        .filter((user: { source: string }) => user.source === 'synced')
        .map((user: { onPremises: { samAccountName: string } }) => user.onPremises.samAccountName);
      return synced.includes('alice') ? new Set<string>(synced) : undefined;
    }, 'alice to be synced from the domain root');
    for (const critical of ['Administrator', 'krbtgt', 'Guest']) {
      assert.equal(names.has(critical), false, `${critical} is a critical system object`);
    }
    // The log is JSON on stderr; stdout carries only the command's own lines.
    assert.match(running.out.stderr, /^\{"level":/m);
    assert.doesNotMatch(running.out.stdout, /^\{"level":/m);
    assert.equal(running.out.stderr.includes(lab.serviceAccount.password), false);
  });

  test('the setup wizard lines: on a terminal it asks; with --yes the flags write the config and enroll', async () => {
    const { shBlocks } = readmeBlocks('Running the agent');
    const block = shBlocks.find((text) => text.includes('agent -- setup'));
    assert.ok(block, 'the section shows the setup wizard');
    // Lines continued with a backslash are one command, as the shell reads them.
    const [interactive, unattended] = block
      .replace(/\\\n\s*/g, ' ')
      .trim()
      .split('\n');
    assert.equal(interactive, 'npm run agent -- setup');
    const dir = mkdtempSync(path.join(tmpdir(), 'ferry-readme-setup-'));
    const env = {
      FERRY_AGENT_CONFIG: path.join(dir, 'agent.yaml'),
      FERRY_AGENT_STATE_DIR: path.join(dir, 'state'),
    };
    // Without a terminal the wizard cannot ask: it says to use --yes (exit code 2).
    const asked = shell(interactive!, env);
    assert.equal(await asked.exited, 2, asked.out.stderr);
    assert.match(asked.out.stderr, /without one, give --yes and the flags/);

    const token = (await system.api.post('/api/v1/agents/enrollment-tokens')).json.token;
    writeFileSync(path.join(dir, 'token.txt'), token, { mode: 0o600 });
    writeFileSync(path.join(dir, 'svc-password.txt'), lab.serviceAccount.password, { mode: 0o600 });
    // Only the example values are replaced by the lab's, plus the lab's own CA file.
    const command = unattended!
      .replace('https://ferry.example.com', system.nodes[0]!.url)
      .replace('token.txt', path.join(dir, 'token.txt'))
      .replace('--dc dc1.corp.example.com', `--dc localhost --ca-file ${lab.caFile}`)
      .replace('CN=svc-ferry,OU=Service Accounts,DC=corp,DC=example,DC=com', lab.serviceAccount.dn)
      .replace('svc-password.txt', path.join(dir, 'svc-password.txt'));
    assert.match(command, /^npm run agent -- setup --yes /);
    const setup = shell(command, env);
    assert.equal(await setup.exited, 0, setup.out.stdout + setup.out.stderr);
    assert.match(setup.out.stdout, /SHA-256: {2}([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.match(setup.out.stdout, /Enrolled as \S+/);
    assert.match(readFileSync(env.FERRY_AGENT_CONFIG, 'utf8'), /^passwordWriteback: true$/m);
  });

  test("the running agent sends its doctor report to the cloud, with the cloud's own facts", async () => {
    assert.ok(running, 'the agent runs (previous test)');
    const report = await eventually(async () => {
      const { json } = await system.api.get('/api/v1/agents/doctor-reports');
      return json.items?.find((item: { agentId: string }) => item.agentId === agentId)?.report;
    }, 'the doctor report of the agent in the cloud');
    const checks = new Map<string, { status: string; fix?: string }>(
      report.checks.map((check: { id: string }) => [check.id, check]),
    );
    assert.equal(report.trigger, 'start');
    assert.equal(checks.get('bind')?.status, 'pass');
    assert.equal(checks.get('tenant_writeback')?.status, 'pass');
    assert.equal(checks.get('agent_enabled')?.status, 'pass');
    assert.ok(checks.has('sspr_readiness'), 'SSPR readiness is reported');
    assert.ok(checks.has('right_write_marker'), 'the write-marker right is checked');
    assert.equal(JSON.stringify(report).includes(lab.serviceAccount.password), false);
  });

  test('"Checking the agent\'s setup": doctor, doctor --json and delegate work as printed', async () => {
    assert.ok(running, 'the agent runs (first test)');
    const lines = readmeCommands("Checking the agent's setup: `ferry-agent doctor`").map(bare);
    const [table, json, delegate] = lines;
    assert.equal(table, 'npm run agent -- doctor');
    assert.equal(json, 'npm run agent -- doctor --json');
    assert.equal(delegate, 'npm run agent -- delegate');

    const asJson = shell(json!, agentEnv);
    const code = await asJson.exited;
    const parsed = JSON.parse(asJson.out.stdout.slice(asJson.out.stdout.indexOf('{')));
    assert.equal(code, { pass: 0, warn: 1, fail: 2 }[parsed.status as string], asJson.out.stderr);
    const ids = new Map<string, string>(
      parsed.checks.map((check: { id: string; status: string }) => [check.id, check.status]),
    );
    // Asked through the running agent's control socket, which asks the cloud.
    assert.equal(ids.get('tenant_writeback'), 'pass');
    assert.equal(ids.get('cloud_clock'), 'pass');
    assert.ok(ids.has('sspr_readiness'));

    const asTable = shell(table!, agentEnv);
    assert.equal(await asTable.exited, code);
    assert.match(asTable.out.stdout, /^PASS {2}Tenant's password writeback setting/m);
    assert.match(asTable.out.stdout, /overall (pass|warn|fail)$/m);

    const rights = shell(delegate!, agentEnv);
    assert.equal(await rights.exited, 0, rights.out.stderr);
    assert.match(rights.out.stdout, /# Write msDS-cloudExtensionAttribute20 \(the write marker\)/);
    assert.match(rights.out.stdout, /WP;msDS-cloudExtensionAttribute20;user/);
  });

  test('"Getting started": each agent command is one the tests above run as printed', () => {
    // Enroll and run, the interactive wizard, doctor, doctor --json and delegate: run above.
    const { sh, shBlocks } = readmeBlocks('Running the agent');
    const wizard = shBlocks.find((text) => text.includes('agent -- setup'))!.split('\n')[0]!;
    const tested = new Set(
      [
        ...sh.trim().split('\n'),
        wizard,
        ...readmeCommands("Checking the agent's setup: `ferry-agent doctor`").slice(0, 3),
      ].map(bare),
    );
    const steps = readmeCommands('Getting started').map(bare);
    assert.ok(steps.length >= 4, steps.join('\n'));
    for (const line of steps) {
      assert.ok(tested.has(line), `"${line}" is run by a README test`);
    }
  });
});
