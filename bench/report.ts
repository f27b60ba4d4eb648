import type { OpenLdapFigures } from './openldap/openldap-bench.js';
import type { LoadFigures } from './load/load-bench.js';
import { renderLoad } from './load/load-report.js';
import type { IdleMemoryFigures } from './memory/idle-memory-bench.js';
import type { OidcFigures } from './oidc/oidc-bench.js';
import { renderScale } from './scale/scale-report.js';
import type { SyncScaleFigures } from './scale/sync-scale-bench.js';
import { renderSyncScale } from './scale/sync-scale-report.js';
import type { DirectoryScaleFigures } from './scale/directory-scale-bench.js';
import type { SyncFigures } from './sync-read-run.js';
import type { SyncCloudFigures } from './sync/sync-cloud-bench.js';
import type { WritebackFigures } from './writeback/writeback-bench.js';

export interface BenchResults {
  measuredAt: string;
  machine: string;
  /** The machine's 1-minute load average when the run began (other helpers share it). */
  loadAverage?: number;
  writeback?: WritebackFigures;
  syncRead?: SyncFigures;
  openldap?: OpenLdapFigures;
  sync?: SyncCloudFigures;
  oidc?: OidcFigures;
  syncScale?: SyncScaleFigures;
  scale?: DirectoryScaleFigures;
  idleMemory?: IdleMemoryFigures;
  load?: LoadFigures;
}

const ratio = (ferry: number, raw: number): string =>
  raw > 0 ? `${((ferry / raw) * 100).toFixed(0)} %` : '—';

/** docs/benchmarks.md: every figure next to its raw baseline from the same run. */
export function renderBenchmarks(results: BenchResults): string {
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`bench/run.ts`); every Ferry figure stands next to the raw',
    'baseline measured in the same run against the same lab DC (Samba AD on 127.0.0.1).',
    `Last run: ${results.measuredAt} on ${results.machine}.`,
  ];
  const wb = results.writeback;
  if (wb) {
    const overhead = (wb.ferry.c1.p50_ms - wb.raw.c1.p50_ms).toFixed(1);
    lines.push(
      '',
      '## Password writeback',
      '',
      `Admin password reset of a synced user, ${wb.operations_per_run} operations per run over ${wb.users} bulk users.`,
      `Measured ${results.measuredAt}${results.loadAverage === undefined ? '' : `, load average ${results.loadAverage} on ${results.machine.split(' ')[0]} cores (other work shares the machine: absolute times are upper bounds, read the ratios)`}.`,
      '- **raw**: ldapts `replace unicodePwd` + `lockoutTime=0` on bound LDAPS connections as the',
      "  agent's service account (the floor: no lookup, no policy, no audit).",
      '- **Ferry**: `POST /api/v1/users/{id}/password` on the cloud (session, CSRF, cloud policy',
      '  check, audit) → relay → WebSocket → agent (signature, JWE, user lookup, claim, journal)',
      '  → the same LDAP write → outcome back to the HTTP caller. Cloud and agent are separate',
      '  processes on this machine; the agent has 8 pooled LDAP connections; the caller is',
      '  node:http over kept-alive connections.',
      '- The two sides alternate in one run (operation by operation at c=1, block by block at',
      "  c=8), so both meet the DC in the same state: Samba's own reset time drifts by several ms",
      '  from one minute to the next.',
      '',
      '| | p50 ms | p95 ms | p99 ms | ops/s at c=1 | ops/s at c=8 |',
      '| --- | --- | --- | --- | --- | --- |',
      `| raw LDAP | ${wb.raw.c1.p50_ms} | ${wb.raw.c1.p95_ms} | ${wb.raw.c1.p99_ms} | ${wb.raw.c1_ops_per_s} | ${wb.raw.c8_ops_per_s} |`,
      `| Ferry end to end | ${wb.ferry.c1.p50_ms} | ${wb.ferry.c1.p95_ms} | ${wb.ferry.c1.p99_ms} | ${wb.ferry.c1_ops_per_s} | ${wb.ferry.c8_ops_per_s} |`,
      '',
      `- p50 overhead over raw: **${overhead} ms** (target ≤ 10 ms).`,
      `- Throughput at concurrency 8: **${ratio(wb.ferry.c8_ops_per_s, wb.raw.c8_ops_per_s)}** of raw (target ≥ 80 %).`,
      `- Latency at concurrency 8: raw p50 ${wb.raw.c8.p50_ms} ms / p99 ${wb.raw.c8.p99_ms} ms; Ferry p50 ${wb.ferry.c8.p50_ms} ms / p99 ${wb.ferry.c8.p99_ms} ms.`,
      `- CPU per operation at c=1 (ms, from /proc): raw — DC ${wb.cpu_ms_per_op.raw.dc}; Ferry — cloud ${wb.cpu_ms_per_op.ferry.cloud}, agent ${wb.cpu_ms_per_op.ferry.agent}, DC ${wb.cpu_ms_per_op.ferry.dc}. On a shared machine this is the figure to compare between runs: a process waiting for a core adds latency, not CPU.`,
      '- For scale: Microsoft quotes under 500 ms on average for Entra password writeback.',
    );
  }
  const cloud = results.sync;
  if (cloud) {
    lines.push(
      '',
      '## Sync: AD into the cloud directory',
      '',
      `Measured ${results.measuredAt}${results.loadAverage === undefined ? '' : `, load average ${results.loadAverage} on ${results.machine.split(' ')[0]} cores (other work shares the machine: absolute times are upper bounds, read the ratios)`}.`,
      `Full import of OU=Bulk (${cloud.users} users) from the lab DC into the cloud's store (SQLite):`,
      '- **raw**: one paged ldapts search (page 1,000) of the same OU with the same attributes.',
      "- **Ferry**: the leading agent's full import, batches of 1,000 over its WebSocket, each",
      '  applied by the cloud in one transaction (upsert by source anchor, soft match, run',
      '  counts, cursor) — from the agent taking the sync lease to the final batch applied.',
      '',
      '| | users/s |',
      '| --- | --- |',
      `| raw paged LDAP search | ${cloud.raw_users_per_s} |`,
      `| Ferry full import into the cloud | ${cloud.ferry_users_per_s} |`,
      '',
      `- Ratio: **${ratio(cloud.ferry_users_per_s, cloud.raw_users_per_s)}** of raw (targets: ≥ 50 % of raw and ≥ 1,000 users/s).`,
      '',
      `A change made in AD by the domain admin → visible in the cloud API (polled every 20 ms), ${cloud.delta_samples} changes of seven kinds in turn. The agent runs a delta when a change notification arrives or when its USN probe (the rootDSE's highestCommittedUSN, read every 250 ms) sees the DC's USN pass its cursor: Samba answers notifications seconds late, so on the lab the probe is what wakes it.`,
      '',
      '| change | p50 ms | p95 ms | n |',
      '| --- | --- | --- | --- |',
      ...Object.entries(cloud.delta_by_kind).map(
        ([kind, figures]) =>
          `| ${kind} | ${figures.p50_ms} | ${figures.p95_ms} | ${figures.count} |`,
      ),
      `| **all** | **${cloud.delta_p50_ms}** | **${cloud.delta_p95_ms}** | ${cloud.delta_samples} |`,
      '',
      `- Target p95 ≤ 1,000 ms: **${cloud.delta_p95_ms <= 1000 ? 'holds' : `missed by ${cloud.delta_p95_ms - 1000} ms`}**. Floor: up to 250 ms waiting for the next probe (125 ms on average), then the delta read, the batch over the WebSocket and the cloud's transaction.`,
      `- The delta names what changed by the list of USNs since its cursor (\`usnClause\`, up to 500; wider spans use the range): Samba indexes uSNChanged for equality only. Its main search over the last ${cloud.lookup.span} USNs, in this run: as a \`uSNChanged>=\` range p50 ${cloud.lookup.range.p50_ms} ms / p95 ${cloud.lookup.range.p95_ms} ms (Samba tests every object of the domain), as the list p50 ${cloud.lookup.list.p50_ms} ms / p95 ${cloud.lookup.list.p95_ms} ms. A delta made three such range searches before; with 11,000 users on a loaded machine that kept changes out of the cloud for over 30 s.`,
      `- The probe's cost to the DC: one probe takes p50 ${cloud.probe.probe_p50_ms} ms / p95 ${cloud.probe.probe_p95_ms} ms and ${cloud.probe.dc_cpu_ms_per_probe} ms of Samba CPU (1,000 back to back); over 20 quiet seconds Samba used ${cloud.probe.dc_idle_cpu_pct} % of one core with no client and ${cloud.probe.dc_probing_cpu_pct} % with a probe every 250 ms.`,
      '- A Windows DC answers a notification search when the change commits, so there the agent',
      '  would wake without the probe: the figures above less the wait for the next probe (125 ms',
      '  on average) plus the 200 ms debounce. Not measured: the lab has no Windows DC.',
    );
  }
  const sync = results.syncRead;
  if (sync) {
    lines.push(
      '',
      '## Sync: the agent reading AD (no cloud)',
      '',
      `Full read of every user in scope (${sync.users} users, lab fixtures plus bulk users), best of 3:`,
      '- **raw**: one paged ldapts search (page 1,000) with the same filter and attributes.',
      "- **Ferry**: the agent's `SyncReader.fullImport` (paged read, mapping, batching, cursor",
      '  from the DC invocationId and highestCommittedUSN) into a sink that drops the batches.',
      '',
      '| | users/s |',
      '| --- | --- |',
      `| raw paged LDAP search | ${sync.raw_users_per_s} |`,
      `| Ferry full import (agent) | ${sync.ferry_users_per_s} |`,
      '',
      `- Ratio: **${ratio(sync.ferry_users_per_s, sync.raw_users_per_s)}** of raw (target ≥ 50 %, and ≥ 1,000 users/s).`,
      `- Change in AD → batch at the agent's sink (notification + 2 s polling): p50 ${sync.delta_p50_ms} ms, p95 ${sync.delta_p95_ms} ms.`,
    );
  }
  const ol = results.openldap;
  if (ol) {
    const row = (name: string, summary: { p50_ms: number; p95_ms: number; p99_ms: number }) =>
      `| ${name} | ${summary.p50_ms} | ${summary.p95_ms} | ${summary.p99_ms} |`;
    lines.push(
      '',
      '## OpenLDAP: writeback and sync (the second dialect)',
      '',
      `Against the lab slapd (ppolicy, accesslog, syncprov, memberof; olcDbNoSync), ${ol.operations} users on the min-age-zero policy, raw and Ferry alternating operation by operation on the same users:`,
      "- **reset**: raw = one Password Modify as the service account; Ferry = the agent's",
      "  `OpenLdapConnector.reset` (lookup, the user's policy, Password Modify with the ppolicy",
      "  control, then the pwdReset modify). The cloud hop is the AD section's (same relay, same agent).",
      '- **change**: raw = bind as the user + Password Modify with the old password on a new',
      "  connection; Ferry = the connector's `change` (the same, with the ppolicy control and a lookup).",
      '',
      '| | p50 ms | p95 ms | p99 ms |',
      '| --- | --- | --- | --- |',
      row('raw reset (Password Modify)', ol.reset.raw),
      row('Ferry reset (connector)', ol.reset.ferry),
      row('raw change (bind + Password Modify)', ol.change.raw),
      row('Ferry change (connector)', ol.change.ferry),
      '',
      `- p50 overhead: reset **${(ol.reset.ferry.p50_ms - ol.reset.raw.p50_ms).toFixed(2)} ms**, change **${(ol.change.ferry.p50_ms - ol.change.raw.p50_ms).toFixed(2)} ms**.`,
      '',
      `Sync: full read of ou=bulk (${ol.sync.users} users), best of 3: raw paged search (page 1,000, same filter and attributes) **${ol.sync.raw_users_per_s} users/s**; Ferry \`SyncReader.fullImport\` (OpenLDAP source: mapping, batching, contextCSN mark) into a dropping sink **${ol.sync.ferry_users_per_s} users/s** (**${ratio(ol.sync.ferry_users_per_s, ol.sync.raw_users_per_s)}** of raw).`,
    );
  }
  const oidc = results.oidc;
  if (oidc) {
    const overhead = (oidc.password_step.p50_ms - oidc.raw_bind.p50_ms).toFixed(1);
    lines.push(
      '',
      '## Application sign-in (OpenID Connect)',
      '',
      `Measured ${results.measuredAt}. ${oidc.sign_ins} sign-ins of a synced lab user (pass-through), alternating with raw binds:`,
      '- **raw bind**: ldapts `bind` as the user on an open LDAPS connection to the lab DC (the floor',
      '  of any password check: AD verifying the password); and the same on a new LDAPS connection',
      '  each time (TCP, TLS, bind, unbind), which is how the agent binds as a user today.',
      '- **password step**: `POST /api/v1/sign-in/{uid}/password` on the cloud (interaction cookie,',
      "  CSRF, guess counter, audit) → relay → WebSocket → agent → the user's bind on AD → outcome",
      '  back, the application access check, the login result handed to the provider.',
      "- **whole sign-in**: from the application's authorization request to tokens validated by",
      '  `openid-client` at the application: authorization request, the step state, the password',
      '  step, the resume, the code exchange (ID token signature, issuer, audience, nonce checked).',
      '',
      '| | p50 ms | p95 ms | p99 ms |',
      '| --- | --- | --- | --- |',
      `| raw LDAPS bind as the user | ${oidc.raw_bind.p50_ms} | ${oidc.raw_bind.p95_ms} | ${oidc.raw_bind.p99_ms} |`,
      `| raw bind on a new LDAPS connection | ${oidc.raw_bind_new_connection.p50_ms} | ${oidc.raw_bind_new_connection.p95_ms} | ${oidc.raw_bind_new_connection.p99_ms} |`,
      `| Ferry password step (pass-through) | ${oidc.password_step.p50_ms} | ${oidc.password_step.p95_ms} | ${oidc.password_step.p99_ms} |`,
      `| Ferry whole sign-in to tokens | ${oidc.whole_sign_in.p50_ms} | ${oidc.whole_sign_in.p95_ms} | ${oidc.whole_sign_in.p99_ms} |`,
      '',
      `- Pass-through overhead over a raw bind at p50: **${overhead} ms** (over a bind on a new connection: ${(oidc.password_step.p50_ms - oidc.raw_bind_new_connection.p50_ms).toFixed(1)} ms). The agent's lookup of the user and its new LDAPS connection per check are part of it.`,
      '',
      `Token endpoint: refresh-token grants (each rotates the token, so each worker follows its own chain), ${oidc.refreshes_per_run} per side and concurrency, alternating blocks:`,
      '- **raw**: the same library (oidc-provider 8.8.1) alone with its in-memory adapter, a',
      "  static client, an account without a store, on a bare node:http server in the benchmark's",
      '  process.',
      "- **Ferry**: the cloud's `/oidc/token` (Fastify, rate limit, the store adapter: hashed ids,",
      '  sealed payloads, one conditional UPDATE to spend the old token, the user read for each',
      '  refresh) on SQLite.',
      '',
      '| | grants/s at c=1 | grants/s at c=8 |',
      '| --- | --- | --- |',
      `| oidc-provider in memory | ${oidc.token_raw.c1_ops_per_s} | ${oidc.token_raw.c8_ops_per_s} |`,
      `| Ferry | ${oidc.token_ferry.c1_ops_per_s} | ${oidc.token_ferry.c8_ops_per_s} |`,
      '',
      `- Ferry at concurrency 8: **${ratio(oidc.token_ferry.c8_ops_per_s, oidc.token_raw.c8_ops_per_s)}** of the in-memory library; p50 ${oidc.token_ferry_c8.p50_ms} ms, p99 ${oidc.token_ferry_c8.p99_ms} ms.`,
    );
  }
  if (results.syncScale) lines.push(...renderSyncScale(results.syncScale, results.measuredAt));
  if (results.scale) lines.push(...renderScale(results.scale, results.measuredAt));
  if (results.load) lines.push(...renderLoad(results.load, results.measuredAt));
  const memory = results.idleMemory;
  if (memory) {
    lines.push(
      '',
      '## Idle memory: compiled build and tsx',
      '',
      `Resident memory (the process and its children) of one cloud node (SQLite) and one enrolled`,
      `agent connected to it and to the lab DC, after ${memory.idle_seconds} s idle. **tsx** runs the`,
      'TypeScript sources as `npm start` does (with its esbuild service process); **compiled** runs',
      'what `npm run build` emits with plain `node`, as the packages do. The raw baseline is a bare',
      '`node` process waiting on a timer. Other helpers load this machine; RSS varies with it.',
      '',
      '| | cloud MB | agent MB |',
      '| --- | --- | --- |',
      `| bare node | ${memory.raw_node_mb} | ${memory.raw_node_mb} |`,
      `| tsx (sources) | ${memory.tsx.cloud_mb} | ${memory.tsx.agent_mb} |`,
      `| compiled (plain node) | ${memory.compiled.cloud_mb} | ${memory.compiled.agent_mb} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * The sections of `rendered` (by their `## ` heading) put in place of the same sections of
 * `existing`; sections not measured this time stay as they were.
 */
export function mergeSections(existing: string, rendered: string): string {
  const split = (text: string) => text.split(/\n(?=## )/);
  const fresh = split(rendered).slice(1);
  const parts = split(existing);
  for (const section of fresh) {
    const title = section.split('\n')[0];
    const index = parts.findIndex((part) => part.split('\n')[0] === title);
    if (index > 0) parts[index] = section.trimEnd() + '\n';
    else parts.push(section.trimEnd() + '\n');
  }
  return parts.map((part) => part.trimEnd()).join('\n\n') + '\n';
}
