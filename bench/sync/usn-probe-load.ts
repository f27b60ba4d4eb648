import { readdirSync, readFileSync } from 'node:fs';
import { labClient, labPaths, type LabState } from '@ferry/lab';
import { readHighestUsn } from '../../packages/agent/src/sync/dc-mark.js';
import { summarize } from '../stats.js';

export interface UsnProbeFigures {
  readonly probe_p50_ms: number;
  readonly probe_p95_ms: number;
  /** DC CPU (all Samba processes) per probe, from back-to-back probes. */
  readonly dc_cpu_ms_per_probe: number;
  /** DC CPU over a quiet window, as % of one core: nothing vs. the agent's 4 probes/s. */
  readonly dc_idle_cpu_pct: number;
  readonly dc_probing_cpu_pct: number;
}

/** utime + stime of the lab's Samba and every process under it, in ms (Linux /proc). */
function sambaCpuMs(): number {
  const root = Number(readFileSync(labPaths().pidFile, 'utf8').trim());
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) in parentheses.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), {
        parent: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let current = pid, hops = 0; current > 1 && hops < 20; hops += 1) {
      if (current === root) return true;
      current = stats.get(current)?.parent ?? 0;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
  return ticks * 10; // USER_HZ is 100 on Linux
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the agent's USN probe costs the DC: the latency of one probe (a base read of the
 * rootDSE's highestCommittedUSN on a bound LDAPS connection), the DC CPU per probe over 1,000
 * back-to-back probes, and the DC's CPU over 20 quiet seconds with no client and with a
 * probe every 250 ms (the default usnPollMs).
 */
export async function measureUsnProbe(
  lab: LabState,
  log: (line: string) => void,
): Promise<UsnProbeFigures> {
  log('sync: the USN probe load on the DC');
  const client = labClient(lab.ldapsUrl, lab.caFile);
  await client.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
  try {
    const times: number[] = [];
    let cpu = sambaCpuMs();
    for (let index = 0; index < 1_000; index += 1) {
      const began = performance.now();
      await readHighestUsn(client);
      times.push(performance.now() - began);
    }
    const perProbe = (sambaCpuMs() - cpu) / 1_000;

    const window = 20_000;
    cpu = sambaCpuMs();
    await sleep(window);
    const idle = sambaCpuMs() - cpu;
    cpu = sambaCpuMs();
    const until = performance.now() + window;
    while (performance.now() < until) {
      await readHighestUsn(client);
      await sleep(250);
    }
    const probing = sambaCpuMs() - cpu;
    const latency = summarize(times);
    const pct = (ms: number) => Math.round((ms / window) * 1000) / 10;
    return {
      probe_p50_ms: latency.p50_ms,
      probe_p95_ms: latency.p95_ms,
      dc_cpu_ms_per_probe: Math.round(perProbe * 1000) / 1000,
      dc_idle_cpu_pct: pct(idle),
      dc_probing_cpu_pct: pct(probing),
    };
  } finally {
    await client.unbind();
  }
}
