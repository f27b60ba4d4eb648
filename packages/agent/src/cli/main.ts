#!/usr/bin/env node
import { ConfigError } from '@ferry/config';
import { AgentNotRunningError } from '../control/control-client.js';
import { EnrollmentError } from '../state/enroll.js';
import type { AgentCommand } from './command.js';
import { delegateCommand } from './delegate-command.js';
import { doctorCommand } from './doctor-command.js';
import { enrollCommand } from './enroll-command.js';
import { runCommand } from './run-command.js';
import { setupCommand } from './setup-command.js';
import { SetupError } from '../setup/setup-error.js';
import { syncCommand } from './sync-command.js';
import { UsageError } from './usage-error.js';

const commands: readonly AgentCommand[] = [
  setupCommand,
  enrollCommand,
  runCommand,
  doctorCommand,
  delegateCommand,
  syncCommand,
];

const usage = [
  'usage: ferry-agent <command> [options]   (ferry-agent <command> --help for its options)',
  ...commands.map((command) => `  ${command.name.padEnd(9)} ${command.summary}`),
  'Settings: --config FILE (default FERRY_AGENT_CONFIG, else /etc/ferry/agent.yaml) and',
  'FERRY_AGENT_* variables; see docs/agent-config.md. The JSON log goes to stderr.',
].join('\n');

const EXIT_USAGE = 2;
const EXIT_CONFIG = 78;
const HELP = new Set(['--help', '-h', 'help']);

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name !== undefined && HELP.has(name)) {
    const topic = commands.find((command) => command.name === rest[0]);
    console.log(topic ? topic.help : usage);
    return;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(name ? `unknown command "${name}"` : 'no command given');
  if (rest.some((arg) => HELP.has(arg) && arg !== 'help')) {
    console.log(command.help);
    return;
  }
  await command.run(rest);
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
  } else if (error instanceof EnrollmentError || error instanceof SetupError) {
    console.error(`ferry-agent: error [${error.code}]: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`ferry-agent: error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
});
