import type { SyncScaleFigures } from './sync-scale-bench.js';

const pct = (ferry: number, raw: number): string =>
  raw > 0 ? `${Math.round((ferry / raw) * 100)} %` : '—';
const ratio = (large: number, small: number): string =>
  small > 0 ? `${(large / small).toFixed(2)}×` : '—';

/** The "Sync at scale" section of docs/benchmarks.md. */
export function renderSyncScale(figures: SyncScaleFigures, measuredAt: string): string[] {
  const { small, large } = figures;
  const rows = figures.imports.filter((run) => run.raw_users_per_s > 0);
  const misses = rows.filter((run) => run.ferry_users_per_s < 0.9 * run.raw_users_per_s);
  return [
    '',
    '## Sync at scale: AD users by the hundred thousand',
    '',
    `Measured ${measuredAt}, on a machine shared with other work (2 cores, other test suites and`,
    'builds running beside it): absolute figures are low and noisy, the ratios to the raw',
    'baseline measured just before each run are what counts.',
    '',
    `The lab DC holds ${large.users.toLocaleString('en')} bulk users under OU=Bulk (10,000 directly, the rest in`,
    'OU=Bulk More under it), kept between runs; the lab adds missing ones straight into the',
    "stopped DC's sam.ldb through Samba's own modules, thousands per transaction",
    `(\`packages/lab/src/bulk-offline.ts\`${
      figures.bulk_created > 0
        ? `: ${figures.bulk_created.toLocaleString('en')} users in ${figures.bulk_seconds} s this run`
        : ', nothing to add this run'
    }).`,
    ...(large.users < 100_000
      ? [
          `- **Short of the issue's 100,000**: this run's DC held ${large.users.toLocaleString('en')} bulk users. Each user added`,
          "  through Samba's modules (RID, SID, security descriptor, replication metadata, indexes) costs",
          '  about 5 ms of CPU, offline or over LDAP; on this shared machine (load average above 20 on 2',
          '  cores) the lab got 12–15 % of a core, about 15 users/s, so 100,000 would take about two',
          '  hours. The generator keeps what it added, so a later run continues where this one stopped.',
        ]
      : []),
    '- **raw**: one paged ldapts search (page 1,000) of OU=Bulk with the synced attributes.',
    "- **Ferry**: the leading agent's full import into the cloud (batches of 1,000 over the",
    '  WebSocket, each applied in one transaction), from the sync lease to the last batch.',
    '- **peak memory**: the highest resident set (process and children, sampled every 200 ms',
    '  during the import) of the agent and of the cloud node, both run from the TypeScript',
    '  sources with tsx (which adds its esbuild process, about 30 MB).',
    '',
    '| store | users | raw users/s | Ferry users/s | Ferry / raw | agent peak MB | cloud peak MB |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (run) =>
        `| ${run.store} | ${run.users} | ${run.raw_users_per_s} | ${run.ferry_users_per_s} | ${pct(run.ferry_users_per_s, run.raw_users_per_s)} | ${run.agent_peak_mb} | ${run.cloud_peak_mb} |`,
    ),
    '',
    misses.length === 0
      ? `- Target (full import ≥ 90 % of the raw paged read; issue: at 100,000 users): **holds** at ${large.users}.`
      : `- Target (full import ≥ 90 % of the raw paged read; issue: at 100,000 users): **missed** at ${large.users} on ${misses
          .map((run) => `${run.store} (${pct(run.ferry_users_per_s, run.raw_users_per_s)})`)
          .join(', ')}.`,
    '',
    `Delta sync and writeback with ${small.users.toLocaleString('en')} users in the cloud next to ${(large.users + large.cloud_only).toLocaleString('en')} (two clouds on`,
    'PostgreSQL, each with its agent, running at the same time against the same DC; the',
    `small one leaves OU=Bulk More out of its scope; the large one syncs all ${large.users.toLocaleString('en')} bulk users${
      large.cloud_only > 0
        ? ` and holds ${large.cloud_only.toLocaleString('en')} cloud-only users besides, seeded through the store before the import, because the lab DC held no more`
        : ''
    }):`,
    `- **delta**: ${small.delta.count} changes made in AD to users both clouds hold (displayName, and`,
    '  disable or enable, in turn), each watched in both cloud APIs at once (polled every 20 ms)',
    '  from the LDAP modify to the change visible.',
    `- **writeback**: ${small.writeback.count} admin password resets through each cloud, alternating`,
    '  (`POST /api/v1/users/{id}/password`, answered after the agent wrote AD).',
    '',
    `| | ${small.users}: p50 ms | p95 ms | ${large.users + large.cloud_only}: p50 ms | p95 ms | p50 ratio |`,
    '| --- | --- | --- | --- | --- | --- |',
    `| AD change → cloud API | ${small.delta.p50_ms} | ${small.delta.p95_ms} | ${large.delta.p50_ms} | ${large.delta.p95_ms} | ${ratio(large.delta.p50_ms, small.delta.p50_ms)} |`,
    `| password reset (writeback) | ${small.writeback.p50_ms} | ${small.writeback.p95_ms} | ${large.writeback.p50_ms} | ${large.writeback.p95_ms} | ${ratio(large.writeback.p50_ms, small.writeback.p50_ms)} |`,
  ];
}
