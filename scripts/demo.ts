// `npm run demo`: the lab AD, the cloud on embedded defaults, an enrolled agent with password
// writeback and sync on (the Staff OU's users reach the cloud directory through it), a demo
// mailbox (a local SMTP server whose mail is printed here), SSPR on for everyone with email
// codes; prints where everything is; Ctrl-C stops all of it.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEnrolled, statePaths } from '@ferry/agent';
import { addMember, labClient, labDown, labUp, type LabState } from '@ferry/lab';
import { MailCatcher } from '../test/support/mail-catcher.js';
import { Api } from './support/api.js';
import { repoRoot, startProcess, type RunningProcess } from './support/processes.js';

const log = (line: string): void => console.log(`demo: ${line}`);
const demoDir = path.join(repoRoot, '.demo');
const cloudDir = path.join(demoDir, 'cloud');
const agentDir = path.join(demoDir, 'agent');
const adminEmail = 'admin@corp.example.test';
const demoUsers = ['alice', 'bob', 'carol', 'dave', 'erin', 'tom'];
const running: RunningProcess[] = [];
let mailbox: MailCatcher | undefined;

function secretFile(name: string, make: () => string): string {
  const file = path.join(demoDir, name);
  if (!existsSync(file)) writeFileSync(file, make(), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const lab = await labUp(log);
  const port = process.env['FERRY_PORT'] ?? '8080';
  mailbox = await MailCatcher.start();
  printMail(mailbox);
  const cloudEnv = {
    FERRY_DATA_DIR: cloudDir,
    FERRY_PORT: port,
    FERRY_LOG_LEVEL: 'warn',
    FERRY_SMTP_URL: mailbox.url,
    FERRY_MAIL_FROM: 'ferry-demo@corp.example.test',
  };
  const adminPassword = secretFile(
    'admin-password',
    () => `Demo-${randomBytes(9).toString('base64url')}!`,
  );

  const cloud = startProcess('packages/cloud/src/main.ts', [], cloudEnv);
  running.push(cloud);
  const [, url] = await cloud.waitFor(/ferry cloud listening on (http:\/\/\S+)/);
  const api = new Api(url!);
  await ensureAdmin(api, cloudEnv, adminPassword);

  const agentEnv = {
    FERRY_AGENT_STATE_DIR: agentDir,
    FERRY_AGENT_LDAP_URLS: lab.ldapsUrl,
    FERRY_AGENT_LDAP_CA_FILE: lab.caFile,
    FERRY_AGENT_BIND_DN: lab.serviceAccount.dn,
    FERRY_AGENT_BIND_PASSWORD: lab.serviceAccount.password,
    FERRY_AGENT_BASE_DN: lab.baseDn,
    FERRY_AGENT_PASSWORD_WRITEBACK: 'true',
    FERRY_AGENT_LOG_LEVEL: 'info',
    // The named demo users; bulk and test users stay out.
    FERRY_AGENT_SYNC: 'true',
    FERRY_AGENT_SYNC_INCLUDE_OUS: lab.ous.staff,
    FERRY_AGENT_SYNC_EXCLUDE_OUS: `${lab.ous.bulk};${lab.ous.tests}`,
  };
  if (!isEnrolled(statePaths(agentDir))) {
    const { json } = await api.post('/api/v1/agents/enrollment-tokens');
    const tokenFile = path.join(demoDir, 'enrollment-token');
    writeFileSync(tokenFile, String(json.token), { mode: 0o600 });
    const enroll = startProcess(
      'packages/agent/src/cli/main.ts',
      ['enroll', '--cloud', url!, '--token-file', tokenFile, '--name', 'demo-agent'],
      agentEnv,
    );
    await enroll.waitFor(/enrolled as/);
  }
  const agent = startProcess('packages/agent/src/cli/main.ts', ['run'], agentEnv);
  running.push(agent);
  await agent.waitFor(/agent channel: online/);
  await agent.waitFor(/sync: (full import done|leading)/);
  await seedPortals(api, lab);
  printSummary(url!, adminPassword, lab);
}

async function ensureAdmin(api: Api, env: Record<string, string>, password: string): Promise<void> {
  try {
    await api.signIn(adminEmail, password);
    return;
  } catch {
    // first run: create the admin below
  }
  const file = path.join(demoDir, 'admin-password');
  const cli = startProcess(
    'packages/cloud/src/cli.ts',
    ['bootstrap-admin', '--email', adminEmail, '--name', 'Demo Admin'],
    {
      ...env,
      FERRY_BOOTSTRAP_PASSWORD_FILE: file,
    },
  );
  await new Promise<void>((resolve, reject) =>
    cli.child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(cli.output.join('\n'))),
    ),
  );
  await api.signIn(adminEmail, password);
}

/**
 * SSPR on for everyone with one email code, writeback and unlock on, and an email method for
 * the demo users (their lab address) once the sync has brought them in.
 */
async function seedPortals(api: Api, lab: LabState): Promise<void> {
  const settings = (await api.get('/api/v1/settings/password-reset')).json;
  await api.put('/api/v1/settings/password-reset', {
    ...settings,
    ssprEnabled: 'all',
    methodsRequired: 1,
    methodsAllowed: ['email', 'totp', 'security_questions'],
    onPremises: { writebackEnabled: true, unlockWithoutResetEnabled: true },
  });
  // Bob is in the lab's "minimum age 0" fine-grained policy, so he can reset at once; alice
  // meets the domain's 1-day minimum age (Step 4 of the Entra writeback guide) and hears when
  // her reset will pass.
  const admin = labClient(lab.ldapsUrl, lab.caFile);
  try {
    await admin.bind(lab.admin.dn, lab.admin.password);
    await addMember(admin, lab.groups.minAgeZero, lab.users['bob']!.dn);
  } finally {
    await admin.unbind();
  }
  for (const name of demoUsers) {
    const upn = lab.users[name]!.userPrincipalName;
    const found = await waitForUser(api, upn);
    if (found) await api.put(`/api/v1/users/${found}/methods/email`, { address: upn });
  }
}

async function waitForUser(api: Api, upn: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { json } = await api.get(`/api/v1/users?search=${encodeURIComponent(upn)}`);
    const user = (json.users as Array<{ id: string; upn: string }> | undefined)?.find(
      (candidate) => candidate.upn.toLowerCase() === upn.toLowerCase(),
    );
    if (user) return user.id;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

/** The demo mailbox: every mail the cloud sends is printed here (codes included: it is a demo). */
function printMail(mailbox: MailCatcher): void {
  let shown = 0;
  setInterval(() => {
    for (const mail of mailbox.messages.slice(shown)) {
      console.log(
        `\n[demo mailbox] to ${mail.to.join(', ')}: ${mail.subject}\n${mail.text.trim()}\n`,
      );
    }
    shown = mailbox.messages.length;
  }, 500).unref();
}

function printSummary(url: string, adminPassword: string, lab: LabState): void {
  const users = demoUsers.map(
    (name) => `    ${lab.users[name]!.userPrincipalName.padEnd(30)} ${lab.users[name]!.password}`,
  );
  console.log(
    [
      '',
      'Ferry demo is running (Ctrl-C stops the cloud, the agent and the lab AD).',
      `  reset portal   ${url}/sspr       (forgot password: codes arrive in the demo mailbox below)`,
      `  My Account     ${url}/myaccount  (sign in as a demo user: pass-through to AD)`,
      `  Admin center   ${url}/admin`,
      `  cloud API      ${url}/api/v1  (OpenAPI: ${url}/api/openapi.json)`,
      `  admin          ${adminEmail} / ${adminPassword}`,
      `  lab AD         ${lab.ldapsUrl}  ${lab.realm}, CA ${lab.caFile}`,
      '  demo users (lab passwords; alice, bob: ordinary; carol: disabled; dave: cannot change;',
      '             erin: must change; tom: protected admin)',
      ...users,
      '',
      "  try: reset bob's password at /sspr (the code comes to the demo mailbox), then sign in as",
      "       bob at /myaccount; try alice too (AD's 1-day minimum age: Ferry says when it passes);",
      '       sign in as erin (must change at next logon) and see where it leads.',
      '',
    ].join('\n'),
  );
}

async function shutdown(): Promise<void> {
  log('stopping');
  for (const child of running.reverse()) await child.stop();
  await mailbox?.stop();
  await labDown(log);
  process.exit(0);
}

process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
main().catch(async (error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  for (const child of running) await child.stop();
  process.exit(1);
});
