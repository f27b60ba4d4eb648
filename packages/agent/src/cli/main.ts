#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError } from '@ferry/config';
import { Secret } from '@ferry/protocol';
import pino from 'pino';
import { startAgent } from '../agent-runtime.js';
import { loadAgentConfig } from '../config/agent-config.js';
import { enroll, EnrollmentError } from '../state/enroll.js';
import { isEnrolled, statePaths } from '../state/agent-state.js';
import { AgentNotRunningError } from '../control/control-client.js';
import { syncCommand } from './sync-command.js';
import { UsageError } from './usage-error.js';

const usage = `usage: ferry-agent <command> [options]
  enroll --cloud URL (--token-file FILE | --token TOKEN) [--name NAME]
                 register this agent with the cloud (one-time token from the Admin center)
  run            connect to the cloud and serve password operations (settings: FERRY_AGENT_*)
  sync status    what the running agent's sync is doing: leader or not, cursor, last run
  sync now [--full]
                 run a delta sync now (--full: read every user again) on the leading agent,
                 with a progress bar; waits until the run is applied
  sync preview [--json]
                 read every user in scope and show what a sync would change in the cloud,
                 applying nothing
Settings come from FERRY_AGENT_CONFIG (JSON/YAML) and FERRY_AGENT_* variables; see docs/agent-config.md.`;

const EXIT_USAGE = 2;
const EXIT_CONFIG = 78;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'enroll':
      return enrollCommand(rest);
    case 'run':
      return runCommand(rest);
    case 'sync':
      return syncCommand(rest);
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

async function enrollCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cloud: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  if (!values.cloud || !/^https?:\/\//.test(values.cloud))
    throw new UsageError('--cloud needs an http(s) URL');
  const tokenText = values['token-file']
    ? readFileSync(values['token-file'], 'utf8').trim()
    : (values.token ?? process.env['FERRY_AGENT_ENROLL_TOKEN']);
  if (!tokenText)
    throw new UsageError('--token-file, --token or FERRY_AGENT_ENROLL_TOKEN is needed');
  const name = values.name ?? hostname();
  if (name.length < 1 || name.length > 128)
    throw new UsageError('--name must be 1 to 128 characters');
  const config = loadAgentConfig();
  const paths = statePaths(config.stateDir);
  if (isEnrolled(paths))
    throw new UsageError(
      `already enrolled (${paths.identity}); remove the state folder to enroll again`,
    );
  const identity = await enroll({
    cloudUrl: values.cloud,
    token: Secret.of(tokenText),
    name,
    paths,
  });
  console.log(
    `ferry agent enrolled as ${identity.agentId} (tenant ${identity.tenantId}); state in ${paths.dir}`,
  );
}

async function runCommand(args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError(`run takes no arguments (got ${args.join(' ')})`);
  const config = loadAgentConfig();
  const log = pino({
    level: config.logLevel,
    redact: { paths: ['*.password', '*.token', '*.secrets'], censor: '[secret]' },
  });
  const agent = await startAgent(config, log);
  console.log(
    `ferry agent ${agent.agentId} running; writeback ${config.passwordWriteback ? 'on' : 'off'}`,
  );
  const stop = async (): Promise<void> => {
    await agent.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (
    error instanceof UsageError ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS'))
  ) {
    console.error(`ferry-agent: ${error.message}\n${usage}`);
    process.exitCode = EXIT_USAGE;
  } else if (error instanceof ConfigError) {
    console.error(`ferry-agent: error [config_invalid]: ${error.message}`);
    process.exitCode = EXIT_CONFIG;
  } else if (error instanceof AgentNotRunningError) {
    console.error(`ferry-agent: error [agent_not_running]: ${error.message}`);
    process.exitCode = 1;
  } else if (error instanceof EnrollmentError) {
    console.error(`ferry-agent: error [${error.code}]: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`ferry-agent: error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
});
