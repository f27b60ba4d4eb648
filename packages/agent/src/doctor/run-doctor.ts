import type { AgentConfig } from '../config/agent-config.js';
import { sendControlCommand } from '../control/control-client.js';
import { statePaths } from '../state/agent-state.js';
import { cloudChecks } from './cloud-checks.js';
import { cloudFactsChecks, type FactsAnswer } from './cloud-facts-checks.js';
import { directoryChecks } from './directory-checks.js';
import type { CheckResult } from './doctor-check.js';

export interface DoctorOptions {
  /** Where the cloud's facts come from; by default the running agent's control socket. */
  readonly facts?: () => Promise<FactsAnswer>;
}

/** Every doctor check for one agent config: the directory first, then the cloud. */
export async function runDoctor(
  config: AgentConfig,
  options: DoctorOptions = {},
): Promise<CheckResult[]> {
  const paths = statePaths(config.stateDir);
  const cloud = await cloudChecks(config, paths);
  const enrolled = cloud.some((result) => result.id === 'enrolled' && result.status === 'pass');
  const facts = enrolled
    ? await (options.facts ?? (() => factsFromRunningAgent(paths.controlSocket)))()
    : undefined;
  return [
    ...(await directoryChecks(config)),
    ...cloud,
    ...(facts ? cloudFactsChecks(facts, config) : []),
  ];
}

/** Asks the agent running on this host (it holds the channel to the cloud). */
export async function factsFromRunningAgent(socketPath: string): Promise<FactsAnswer> {
  try {
    const event = await sendControlCommand(socketPath, { command: 'doctor_facts' });
    if (event.type === 'doctor_facts') return event;
    return { unavailable: event.type === 'error' ? event.message : `answer ${event.type}` };
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}
