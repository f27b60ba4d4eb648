// `npm run bench [-- --json FILE] [--only writeback|sync|oidc|scale|directory|sync-scale|memory|load|openldap] [--operations N] [--users N] [--ad-users N] [--seconds N]`: Ferry measured
// side by side with the raw baseline on the same lab DC in the same run; writes docs/benchmarks.md
// (with --only, the sections measured replace theirs and the others stay).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { labUp, requireLabState } from '@ferry/lab';
import { writeReliabilitySection } from '../test/support/reliability-doc.js';
import { benchLoad } from './load/load-bench.js';
import { renderLoadSummary } from './load/load-report.js';
import { benchIdleMemory } from './memory/idle-memory-bench.js';
import { benchOidc } from './oidc/oidc-bench.js';
import { benchOpenLdap } from './openldap/openldap-bench.js';
import { benchDirectoryScale } from './scale/directory-scale-bench.js';
import { benchSyncAtScale } from './scale/sync-scale-bench.js';
import { mergeSections, renderBenchmarks, type BenchResults } from './report.js';
import { benchSyncRead } from './sync-read-run.js';
import { benchSyncIntoCloud } from './sync/sync-cloud-bench.js';
import { benchWriteback } from './writeback/writeback-bench.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const log = (line: string): void => console.error(`bench: ${line}`);

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    only: { type: 'string' },
    operations: { type: 'string', default: '200' },
    users: { type: 'string', default: '1000000' },
    'ad-users': { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
  },
  strict: true,
});
const operations = Number(values.operations);
if (!Number.isInteger(operations) || operations < 10 || operations > 10_000) {
  console.error('bench: --operations needs a whole number from 10 to 10000');
  process.exit(2);
}
const users = Number(values.users);
if (!Number.isInteger(users) || users < 1_000 || users > 10_000_000) {
  console.error('bench: --users needs a whole number from 1000 to 10000000');
  process.exit(2);
}
const adUsers = Number(values['ad-users']);
if (!Number.isInteger(adUsers) || adUsers < 10_000 || adUsers > 100_000) {
  console.error('bench: --ad-users needs a whole number from 10000 to 100000');
  process.exit(2);
}
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 2 || seconds > 600) {
  console.error('bench: --seconds (per load block) needs a whole number from 2 to 600');
  process.exit(2);
}
// scale = directory (a million cloud users) + sync-scale (AD users at scale, change latency).
const parts = [
  'writeback',
  'sync',
  'oidc',
  'scale',
  'directory',
  'sync-scale',
  'memory',
  'load',
  'openldap',
];
if (values.only && !parts.includes(values.only)) {
  console.error(`bench: --only takes ${parts.join(', ')}`);
  process.exit(2);
}
const runs = (part: string): boolean =>
  !values.only ||
  values.only === part ||
  (values.only === 'scale' && (part === 'directory' || part === 'sync-scale'));

// The million-user directory needs no DC: it may run while the lab's directory is rebuilt.
const lab = values.only === 'directory' ? await requireLabState() : await labUp(log);
const results: BenchResults = {
  measuredAt: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  loadAverage: Math.round(loadavg()[0]! * 10) / 10,
};
if (!values.only || values.only === 'writeback')
  results.writeback = await benchWriteback(lab, operations, log);
if (!values.only || values.only === 'sync') results.syncRead = await benchSyncRead(lab, log);
// The change-latency figures (sync section) belong to the scale issue's run too.
if (runs('sync') || runs('sync-scale')) results.sync = await benchSyncIntoCloud(lab, log);

if (!values.only || values.only === 'oidc') {
  results.oidc = await benchOidc(lab, Math.min(operations, 200), log);
}
// The second dialect: reset, change and sync read against the lab slapd, raw beside Ferry.
if (runs('openldap')) results.openldap = await benchOpenLdap(log, operations, 10_000);
if (!values.only || values.only === 'memory') results.idleMemory = await benchIdleMemory(lab, log);

if (runs('load')) results.load = await benchLoad(lab, seconds, log);

if (runs('sync-scale')) results.syncScale = await benchSyncAtScale(lab, adUsers, log);
if (runs('directory')) results.scale = await benchDirectoryScale(lab, users, operations, log);

const docs = path.join(root, 'docs/benchmarks.md');
const rendered = renderBenchmarks(results);
writeFileSync(
  docs,
  values.only && existsSync(docs) ? mergeSections(readFileSync(docs, 'utf8'), rendered) : rendered,
);
if (results.load)
  await writeReliabilitySection('load', renderLoadSummary(results.load, results.measuredAt));
if (values.json) writeFileSync(values.json, JSON.stringify(jsonShape(results), null, 2) + '\n');
console.log(JSON.stringify(jsonShape(results), null, 2));

function jsonShape(all: BenchResults) {
  const wb = all.writeback;
  return {
    measuredAt: all.measuredAt,
    ...(wb
      ? {
          writeback: {
            raw: {
              p50_ms: wb.raw.c1.p50_ms,
              p95_ms: wb.raw.c1.p95_ms,
              p99_ms: wb.raw.c1.p99_ms,
              c1_ops_per_s: wb.raw.c1_ops_per_s,
              c8_ops_per_s: wb.raw.c8_ops_per_s,
            },
            ferry: {
              p50_ms: wb.ferry.c1.p50_ms,
              p95_ms: wb.ferry.c1.p95_ms,
              p99_ms: wb.ferry.c1.p99_ms,
              c1_ops_per_s: wb.ferry.c1_ops_per_s,
              c8_ops_per_s: wb.ferry.c8_ops_per_s,
            },
            cpu_ms_per_op: wb.cpu_ms_per_op,
          },
        }
      : {}),
    ...(all.sync ? { sync: { ...all.sync, agent_read: all.syncRead } } : {}),
    ...(all.oidc ? { oidc: all.oidc } : {}),
    ...(all.openldap ? { openldap: all.openldap } : {}),
    ...(all.syncScale ? { sync_scale: all.syncScale } : {}),
    ...(all.scale ? { scale: all.scale } : {}),
    ...(all.load ? { load: all.load } : {}),
  };
}
