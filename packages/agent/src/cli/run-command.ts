import { startAgent } from '../agent-runtime.js';
import { loadAgentConfig } from '../config/agent-config.js';
import { agentLog } from './agent-log.js';
import { COMMON_HELP, commandEnv, parseCommandArgs, type AgentCommand } from './command.js';

export const runCommand: AgentCommand = {
  name: 'run',
  summary: 'connect to the cloud and serve password operations and sync',
  help: `usage: ferry-agent run [--config FILE] [--state-dir DIR]
Connects to the cloud (dialling out; no inbound port), writes passwords back to AD and keeps
the cloud directory in sync, until SIGTERM or Ctrl-C. Settings: docs/agent-config.md.
The JSON log goes to stderr.
${COMMON_HELP}`,
  async run(args) {
    const { values } = parseCommandArgs(args, {});
    const config = loadAgentConfig(commandEnv(values));
    const log = agentLog(config.logLevel);
    const agent = await startAgent(config, log, {
      ...(config.cloudCaFile ? { cloudCaFile: config.cloudCaFile } : {}),
    });
    console.log(
      `ferry agent ${agent.agentId} running; writeback ${config.passwordWriteback ? 'on' : 'off'}`,
    );
    const stop = async (): Promise<void> => {
      await agent.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  },
};
