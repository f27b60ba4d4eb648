import type { LoadFigures } from './load-bench.js';

const ratio = (ferry: number, raw: number): string =>
  raw > 0 ? `${((ferry / raw) * 100).toFixed(0)} %` : '—';
const percent = (rate: number): string => `${(rate * 100).toFixed(2)} %`;

/** The "Load" section of docs/benchmarks.md. */
export function renderLoad(load: LoadFigures, measuredAt: string, loadAverage?: number): string[] {
  const row = (name: string, side: LoadFigures['raw']): string =>
    `| ${name} | ${side.ops_per_s} | ${side.requests} | ${percent(side.error_rate)} | ${side.latency.p50_ms} | ${side.latency.p95_ms} | ${side.latency.p99_ms} |`;
  return [
    '',
    '## Load: two cloud nodes, two agents',
    '',
    `Measured ${measuredAt}, on a machine shared with other helpers' test suites (2 cores${loadAverage === undefined ? '' : `, load average ${loadAverage} at the start`}): the`,
    'absolute figures are upper bounds, the ratio is what to read. Admin password resets of',
    `${load.users} synced bulk users at ${load.connections} concurrent connections, ${load.blocks} blocks of ${load.seconds_per_block} s per side,`,
    'raw and Ferry alternating block by block against the same lab DC (Samba AD):',
    '- **raw**: ldapts `replace unicodePwd` + `lockoutTime=0` on 8 bound LDAPS connections as',
    "  the agent's service account.",
    '- **Ferry**: autocannon (4 connections on each node) sending',
    '  `POST /api/v1/users/{id}/password` to **two cloud nodes sharing one PostgreSQL**, each',
    '  node on its own half of the users, with **two agents** (4 pooled LDAP connections each),',
    '  one enrolled and connected through each node; the cloud hands each reset to an online',
    '  agent, which writes it on the DC and answers; a request counts when it answers 200',
    '  (applied), anything else (or a timeout) is an error. Requests still in flight when a',
    '  block ends are not counted.',
    '- Not in this run (not built yet): SSPR (its codes come by mail; its steps are driven in',
    '  `test/e2e/sspr.test.ts`) and My Account change (each user signed in, and, under the',
    "  domain's one-day minimum password age, users in the lab's min-age-zero PSO group).",
    '  Both end in the same relay → agent → LDAP write as the admin reset measured here.',
    '',
    '| | ops/s held | requests | error rate | p50 ms | p95 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('raw LDAP', load.raw),
    row('Ferry (2 nodes, 2 agents)', load.ferry),
    '',
    `- Throughput: **${ratio(load.ferry.ops_per_s, load.raw.ops_per_s)}** of raw; p50 overhead ${(load.ferry.latency.p50_ms - load.raw.latency.p50_ms).toFixed(1)} ms.`,
    `- Peak RSS during the Ferry blocks (process and children, MB): ${Object.entries(
      load.peak_rss_mb,
    )
      .map(([name, mb]) => `${name} ${mb}`)
      .join(', ')}.`,
  ];
}

/** The "load" section of docs/reliability.md: a summary of the figures above. */
export function renderLoadSummary(load: LoadFigures, measuredAt: string): string {
  const held = load.ferry.requests > 0 && load.ferry.errors === 0;
  return [
    '## Load (written by `npm run bench -- --only load`)',
    '',
    `Measured ${measuredAt}: admin password resets through two cloud nodes on one PostgreSQL`,
    `with two agents, ${load.connections} connections (autocannon), ${load.blocks} × ${load.seconds_per_block} s, against the lab DC,`,
    'beside raw LDAP resets on the same DC in the same run; details and conditions in',
    '[benchmarks](benchmarks.md#load-two-cloud-nodes-two-agents). SSPR and My Account change are',
    'not driven under load yet (see there).',
    '',
    '| | ops/s | requests | errors | p50 ms | p95 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| raw LDAP | ${load.raw.ops_per_s} | ${load.raw.requests} | ${load.raw.errors} | ${load.raw.latency.p50_ms} | ${load.raw.latency.p95_ms} | ${load.raw.latency.p99_ms} |`,
    `| Ferry | ${load.ferry.ops_per_s} | ${load.ferry.requests} | ${load.ferry.errors} | ${load.ferry.latency.p50_ms} | ${load.ferry.latency.p95_ms} | ${load.ferry.latency.p99_ms} |`,
    '',
    `Load held: **${held ? 'yes' : 'no'}** (every reset answered applied, none failed or timed out); throughput ${ratio(load.ferry.ops_per_s, load.raw.ops_per_s)} of raw.`,
  ].join('\n');
}
