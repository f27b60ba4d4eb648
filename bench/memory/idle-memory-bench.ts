import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabState } from '@ferry/lab';
import type { Runtime } from '../../scripts/support/processes.js';
import { FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { processTreeRssMb } from './process-tree-rss.js';

export interface IdleMemoryFigures {
  idle_seconds: number;
  /** A bare `node` process waiting on a timer: the floor any Node service starts from. */
  raw_node_mb: number;
  tsx: { cloud_mb: number; agent_mb: number };
  compiled: { cloud_mb: number; agent_mb: number };
}

const IDLE_SECONDS = 15;

/**
 * Resident memory (process and children) of a cloud node and an enrolled, connected agent after
 * they sit idle, once run through tsx from the sources and once compiled with plain node.
 */
export async function benchIdleMemory(
  lab: LabState,
  log: (line: string) => void,
): Promise<IdleMemoryFigures> {
  const raw = await rawNodeMb();
  log(`idle memory: bare node ${raw} MB`);
  const tsx = await measure(lab, 'tsx', log);
  const compiled = await measure(lab, 'compiled', log);
  return { idle_seconds: IDLE_SECONDS, raw_node_mb: raw, tsx, compiled };
}

async function measure(lab: LabState, runtime: Runtime, log: (line: string) => void) {
  const system = new FerrySystem({ lab, runtime, cloudEnv: { FERRY_LOG_LEVEL: 'warn' } });
  try {
    const node = await system.startNode();
    const agent = await system.addAgent();
    await sleep(IDLE_SECONDS * 1000);
    const figures = {
      cloud_mb: processTreeRssMb(node.process.child.pid!),
      agent_mb: processTreeRssMb(agent.process.child.pid!),
    };
    log(`idle memory (${runtime}): cloud ${figures.cloud_mb} MB, agent ${figures.agent_mb} MB`);
    return figures;
  } finally {
    await system.stop();
  }
}

async function rawNodeMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(IDLE_SECONDS * 1000);
    return processTreeRssMb(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}
