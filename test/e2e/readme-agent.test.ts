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
    assert.match(enroll.out.stdout, /ferry agent enrolled as \S+/);

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
});
