import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Secret } from '@ferry/protocol';
import { isEnrolled, loadEnrollment, statePaths } from '../state/agent-state.js';
import { enroll } from '../state/enroll.js';
import { writeAgentConfig } from './config-file.js';
import { connectDirectory } from './directory-step.js';
import { chooseMoreDcs } from './more-dcs.js';
import type { Prompter } from './prompter.js';
import { chooseScope } from './scope-step.js';
import { SetupError } from './setup-error.js';
import type { SETUP_OPTIONS, SetupAnswers } from './setup-flags.js';
import { renderSummary } from './summary.js';
import { installService } from './systemd-unit.js';

type Values = {
  [K in keyof typeof SETUP_OPTIONS]?: (typeof SETUP_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof SETUP_OPTIONS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
} & { config?: string | undefined; 'state-dir'?: string | undefined };

export const DEFAULT_SETUP_CONFIG = '/etc/ferry/agent.yaml';
export const DEFAULT_SETUP_STATE_DIR = '/var/lib/ferry-agent';

/** The cloud answers its health check (said before anything is written). */
async function cloudAnswers(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5_000) });
    return response.ok ? undefined : `${url}/healthz answered ${response.status}`;
  } catch (error) {
    return `${url} does not answer: ${(error as Error).cause ?? (error as Error).message}`;
  }
}

async function askCloud(prompter: Prompter, values: Values): Promise<string> {
  let given = values.cloud;
  for (;;) {
    const url =
      given ??
      (await prompter.ask('Cloud URL (https://...)', {
        flag: '--cloud',
        validate: (text) => (/^https?:\/\/\S+$/.test(text) ? undefined : 'an http(s) URL'),
      }));
    given = undefined;
    if (!/^https?:\/\/\S+$/.test(url))
      throw new SetupError('answer_invalid', '--cloud needs an http(s) URL');
    const problem = await cloudAnswers(url);
    if (!problem) return url.replace(/\/$/, '');
    if (!prompter.interactive) throw new SetupError('cloud_unreachable', problem);
    prompter.say(problem);
  }
}

/** The whole wizard: asks (or takes the flags), then writes, enrolls and installs. */
export async function runSetupWizard(prompter: Prompter, values: Values): Promise<void> {
  const env = process.env;
  const configFile = path.resolve(
    values.config ?? env['FERRY_AGENT_CONFIG'] ?? DEFAULT_SETUP_CONFIG,
  );
  const stateDir = path.resolve(
    values['state-dir'] ?? env['FERRY_AGENT_STATE_DIR'] ?? DEFAULT_SETUP_STATE_DIR,
  );
  const paths = statePaths(stateDir);
  prompter.say('Ferry agent setup. Every question has a flag: ferry-agent setup --help.\n');
  const cloudUrl = await askCloud(prompter, values);
  const enrolled = isEnrolled(paths) ? (await loadEnrollment(paths)).identity : undefined;
  let token = '';
  if (enrolled) {
    prompter.say(`Already enrolled as ${enrolled.agentId} (${paths.dir}): that identity is kept.`);
  } else {
    token = values['token-file']
      ? readFileSync(values['token-file'], 'utf8').trim()
      : (values.token ??
        process.env['FERRY_AGENT_ENROLL_TOKEN'] ??
        (await prompter.secret('Enrollment token (Admin center, On-premises page)', {
          flag: '--token-file',
        })));
  }
  const name =
    values.name ??
    (await prompter.ask('Agent name in the Admin center', {
      flag: '--name',
      default: hostname(),
      validate: (text) => (text.length <= 128 ? undefined : 'at most 128 characters'),
    }));

  const directory = await connectDirectory(prompter, values);
  let answers: SetupAnswers;
  try {
    const ldapUrls = await chooseMoreDcs(prompter, {
      client: directory.client,
      facts: directory.facts,
      firstUrl: directory.url,
      caFile: directory.caFile,
      givenDcs: values.dc?.slice(1) ?? [],
    });
    const scope = await chooseScope(
      prompter,
      values,
      directory.client,
      directory.dialect,
      directory.facts.defaultBaseDn,
    );
    const [passwordWriteback, accountUnlock, sync] = await prompter.checklist(
      'Optional features:',
      [
        {
          label: 'Password writeback (resets, changes and unlocks written to the directory)',
          checked: values['password-writeback'] === true,
        },
        { label: 'Unlock without a password reset', checked: values['no-unlock'] !== true },
        { label: 'Sync the directory into the cloud', checked: values['no-sync'] !== true },
      ],
    );
    answers = {
      cloudUrl,
      token,
      name,
      dialect: directory.dialect,
      ldapUrls,
      caFile: directory.caFile,
      bindDn: directory.bindDn,
      bindPassword: directory.bindPassword,
      baseDn: scope.baseDn,
      includeOus: scope.includeOus,
      excludeOus: scope.excludeOus,
      syncCriticalObjects: scope.syncCriticalObjects,
      passwordWriteback: passwordWriteback!,
      accountUnlock: accountUnlock!,
      sync: sync!,
    };
  } finally {
    await directory.client.unbind().catch(() => undefined);
  }

  prompter.say(renderSummary(answers, { configFile, stateDir, enrolledAs: enrolled?.agentId }));
  if (!(await prompter.confirm('Write this configuration and enroll?', true)))
    throw new SetupError('cancelled', 'nothing was written');
  const { passwordFile } = writeAgentConfig(answers, configFile, stateDir);
  prompter.say(`Wrote ${configFile} (mode 0600) and ${passwordFile} (mode 0600).`);
  if (!enrolled) {
    const identity = await enroll({ cloudUrl, token: Secret.of(answers.token), name, paths });
    prompter.say(
      `Enrolled as ${identity.agentId} (tenant ${identity.tenantId}); state in ${paths.dir}.`,
    );
  }
  const install = await prompter.confirm(
    'Install and start the systemd service ferry-agent?',
    values['install-service'] === true,
  );
  if (install) {
    for (const line of installService({ configFile, stateDir, root: values['systemd-root'] }))
      prompter.say(line);
  } else {
    prompter.say(`Start the agent with: ferry-agent run --config ${configFile}`);
  }
  prompter.say(`Check everything with: ferry-agent doctor --config ${configFile}`);
}
