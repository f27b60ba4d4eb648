import type { LoadFigures, LoadKind, LoadSide } from './load-bench.js';

const ratio = (ferry: number, raw: number): string =>
  raw > 0 ? `${((ferry / raw) * 100).toFixed(0)} %` : '—';
const percent = (rate: number): string => `${(rate * 100).toFixed(2)} %`;

const kinds = (load: LoadFigures): Array<[string, LoadKind]> => [
  ['admin reset', load.admin_reset],
  ['self-service reset', load.sspr],
  ['My Account change', load.change],
];

const row = (name: string, side: LoadSide): string =>
  `| ${name} | ${side.ops_per_s} | ${side.requests} | ${percent(side.error_rate)} | ${side.latency.p50_ms} | ${side.latency.p95_ms} | ${side.latency.p99_ms} |`;

const rss = (kind: LoadKind): string =>
  Object.entries(kind.peak_rss_mb)
    .map(([name, mb]) => `${name} ${mb}`)
    .join(', ');

/** The "Load" section of docs/benchmarks.md. */
export function renderLoad(load: LoadFigures, measuredAt: string): string[] {
  const { admin_reset: admin, sspr, change } = load;
  return [
    '',
    '## Load: two cloud nodes, two agents',
    '',
    `Measured ${measuredAt}, on a machine shared with other helpers' test suites (2 cores, load`,
    `average ${load.load_average.start} when the load part began and ${load.load_average.end} when it ended, its own processes included): the absolute`,
    'figures are upper bounds, the ratios are what to read. Three kinds of password operation,',
    `each at ${load.connections} concurrent callers, ${load.blocks} blocks of ${load.seconds_per_block} s per side after a 2 s warm-up of each,`,
    'raw and Ferry alternating block by block (which goes first alternating too) against the',
    'same lab DC (Samba AD). Ferry is **two cloud nodes sharing one PostgreSQL** and **two',
    'agents** (4 pooled LDAP connections each), one enrolled and connected through each node;',
    'each caller talks to one node, half of them to each; the cloud hands each operation to an',
    'online agent, which writes it on the DC (with its write marker, ADR 0011) and answers.',
    '',
    `- **admin reset** (${admin.users} synced bulk users): autocannon sending`,
    '  `POST /api/v1/users/{id}/password` as a signed-in admin; requests autocannon still had in',
    '  flight when a block ended are not counted. Raw: `replace unicodePwd` + `lockoutTime=0`.',
    `- **self-service reset** (${sspr.users} synced bulk users, each with an email address`,
    '  registered): one operation is the whole flow a person goes through — proof-of-work',
    '  challenge solved, `start`, `gates/email/send`, the 6-digit code read from the mail the',
    "  cloud sent through SMTP to the bench's SMTP server (`test/support/mail-catcher.ts`, as in",
    '  `test/e2e/sspr.test.ts`; never from the database), `gates/email/verify`, `reset`. The',
    '  same write as the admin reset goes raw beside it; the last step alone is given below.',
    "  On Samba the agent applies the minimum age to a user's reset itself, so these users are",
    "  in the lab's min-age-zero PSO group; that read of the user's policy (uncached, it decides",
    "  a refusal) is part of Ferry's figure.",
    `- **My Account change** (${change.users} synced bulk users in the min-age-zero PSO group, each`,
    '  signed in to My Account before the blocks): `POST /api/v1/me/password` with the current',
    '  and a new password. Raw: the same write the agent sends, `delete unicodePwd` (old) + `add',
    '  unicodePwd` (new) in one modify; the agent first binds as the user on a new LDAPS',
    "  connection to prove the old password, which is part of Ferry's figure.",
    "- Raw is ldapts on 8 LDAPS connections bound as the agent's service account, each caller",
    '  on its own share of the users (no user has two operations at once, on either side).',
    '  Closed loops (SSPR, change, raw) await the operations in flight at the end of a block and',
    '  count them; ops/s is over the time until the last answered.',
    '- Limits raised for the run, through settings the product has (none is specific to',
    '  127.0.0.1: the product has no per-address exemption): `FERRY_RATE_LIMIT_PER_MINUTE`',
    "  1,000,000 (the per-client limit of every route, and the credential routes' twentieth of it:",
    '  SSPR start, user sign-in, change); `FERRY_SSPR_POW_BITS` 8 instead of 18 (the bench solves',
    '  each challenge on the same two cores as the servers). Kept: every per-user throttle (5',
    '  code sends, 5 code checks and 5 resets an hour per user: the run spreads its flows over',
    `  ${sspr.users} users), the guess guard, CSRF, sessions, the proof of work itself.`,
    '',
    '| | ops/s held | requests | error rate | p50 ms | p95 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('admin reset, raw LDAP', admin.raw),
    row('admin reset, Ferry', admin.ferry),
    row('self-service reset, raw LDAP', sspr.raw),
    row('self-service reset, Ferry (whole flow)', sspr.ferry),
    row('My Account change, raw LDAP', change.raw),
    row('My Account change, Ferry', change.ferry),
    '',
    ...kinds(load).map(
      ([name, kind]) =>
        `- ${name}: throughput **${ratio(kind.ferry.ops_per_s, kind.raw.ops_per_s)}** of raw; p50 ${(kind.ferry.latency.p50_ms - kind.raw.latency.p50_ms).toFixed(1)} ms over raw.`,
    ),
    ...(sspr.write_step
      ? [
          `- self-service reset, the \`reset\` step alone (relayed to an agent): p50 ${sspr.write_step.p50_ms} ms, p95 ${sspr.write_step.p95_ms} ms, p99 ${sspr.write_step.p99_ms} ms (${sspr.write_step.count} steps).`,
        ]
      : []),
    '',
    "Peak RSS during each kind's Ferry blocks (process and children, MB):",
    '',
    ...kinds(load).map(([name, kind]) => `- ${name}: ${rss(kind)}.`),
  ];
}

/** The "load" section of docs/reliability.md: a summary of the figures above. */
export function renderLoadSummary(load: LoadFigures, measuredAt: string): string {
  const held = (kind: LoadKind): boolean => kind.ferry.requests > 0 && kind.ferry.errors === 0;
  return [
    '## Load (written by `npm run bench -- --only load`)',
    '',
    `Measured ${measuredAt} (load average ${load.load_average.start} → ${load.load_average.end} on 2 shared cores): admin`,
    'resets, self-service resets (the whole flow, code by mail) and My Account changes through two',
    `cloud nodes on one PostgreSQL with two agents, ${load.connections} concurrent callers, ${load.blocks} × ${load.seconds_per_block} s per side, against the`,
    'lab DC, each beside the same LDAP write sent raw on the same DC in the same run; details and',
    'conditions (limits raised) in [benchmarks](benchmarks.md#load-two-cloud-nodes-two-agents).',
    '',
    '| | side | ops/s | requests | errors | p50 ms | p95 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...kinds(load).flatMap(([name, kind]) =>
      (['raw', 'ferry'] as const).map((side) => {
        const figures = kind[side];
        return `| ${name} | ${side === 'raw' ? 'raw LDAP' : 'Ferry'} | ${figures.ops_per_s} | ${figures.requests} | ${figures.errors} | ${figures.latency.p50_ms} | ${figures.latency.p95_ms} | ${figures.latency.p99_ms} |`;
      }),
    ),
    '',
    ...kinds(load).map(
      ([name, kind]) =>
        `- ${name}: load held **${held(kind) ? 'yes' : 'no'}** (${held(kind) ? 'every operation answered applied' : `${kind.ferry.errors} of ${kind.ferry.requests} failed or timed out`}); throughput ${ratio(kind.ferry.ops_per_s, kind.raw.ops_per_s)} of raw.`,
    ),
  ].join('\n');
}
