import type { AgentConfig } from '../config/agent-config.js';
import { statePaths } from '../state/agent-state.js';
import { cloudChecks } from './cloud-checks.js';
import { directoryChecks } from './directory-checks.js';
import type { CheckResult } from './doctor-check.js';

/** Every doctor check for one agent config: the directory first, then the cloud. */
export async function runDoctor(config: AgentConfig): Promise<CheckResult[]> {
  return [
    ...(await directoryChecks(config)),
    ...(await cloudChecks(config, statePaths(config.stateDir))),
  ];
}
