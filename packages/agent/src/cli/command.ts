import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One `ferry-agent` subcommand: its help text and what it does. */
export interface AgentCommand {
  readonly name: string;
  /** One line for the overall usage. */
  readonly summary: string;
  /** The full `ferry-agent NAME --help` text. */
  readonly help: string;
  run(args: string[]): Promise<void>;
}

/** Options every command that reads the settings takes; they win over the environment. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  'state-dir': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = `  --config FILE      settings file (YAML or JSON; default FERRY_AGENT_CONFIG, else
                     /etc/ferry/agent.yaml when it exists)
  --state-dir DIR    the agent's state folder (default FERRY_AGENT_STATE_DIR, else ./agent-state)`;

type CommandArgsConfig<O> = {
  args: string[];
  options: typeof COMMON_OPTIONS & O;
  strict: true;
};

/** Parses a command's flags strictly (an unknown flag is a usage error, exit code 2). */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<CommandArgsConfig<O>>> {
  return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, strict: true as const });
}

/** The environment as the command sees it: --config and --state-dir override the variables. */
export function commandEnv(values: {
  readonly config?: string | undefined;
  readonly 'state-dir'?: string | undefined;
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(values.config ? { FERRY_AGENT_CONFIG: values.config } : {}),
    ...(values['state-dir'] ? { FERRY_AGENT_STATE_DIR: values['state-dir'] } : {}),
  };
}
