import { readdirSync, readFileSync } from 'node:fs';
import { labClient, labPaths, type LabState } from '@ferry/lab';
import { readHighestUsn } from '../../packages/agent/src/sync/dc-mark.js';
import { changedObjectsFilter, usnClause } from '../../packages/agent/src/sync/sync-filters.js';
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

export interface DeltaLookupFigures {
  /** How many objects of the domain (every class) the range has to look at on Samba. */
  readonly span: number;
  readonly range: { readonly p50_ms: number; readonly p95_ms: number };
  readonly list: { readonly p50_ms: number; readonly p95_ms: number };
}

/**
 * The delta's main search (users and groups changed since the cursor) over the last `span`
 * USNs, as a uSNChanged range (which Samba answers by testing every object of the domain)
 * and as the list of those USNs (an index lookup each), alternating, 20 of each.
 */
export async function measureDeltaLookup(
  lab: LabState,
  log: (line: string) => void,
  span = 5,
): Promise<DeltaLookupFigures> {
  log('sync: the delta search by USN range and by USN list');
  const client = labClient(lab.ldapsUrl, lab.caFile, 120_000);
  await client.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
  try {
    const top = await readHighestUsn(client);
    const usns = { from: top - BigInt(span - 1), to: top };
    const range = changedObjectsFilter(usnClause(usns, 0).clause);
    const list = changedObjectsFilter(usnClause(usns, span).clause);
    const times = { range: [] as number[], list: [] as number[] };
    for (let index = 0; index < 20; index += 1) {
      for (const kind of ['range', 'list'] as const) {
        const began = performance.now();
        await client.search(lab.baseDn, {
          scope: 'sub',
          filter: kind === 'range' ? range : list,
          attributes: ['objectGUID'],
          timeLimit: 0,
        });
        times[kind].push(performance.now() - began);
      }
    }
    const pick = (values: number[]) => {
      const summary = summarize(values);
      return { p50_ms: summary.p50_ms, p95_ms: summary.p95_ms };
    };
    return { span, range: pick(times.range), list: pick(times.list) };
  } finally {
    await client.unbind();
  }
}
