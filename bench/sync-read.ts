/**
 * Full-import throughput against the lab DC: the raw paged ldapts search of every user (the
 * same filter and attributes) next to Ferry's SyncReader.fullImport into a no-op sink, in
 * the same run, alternating, best of N rounds each. Then the latency from a change in AD to
 * its batch at the sink: default (notification + 2 s polling), notification only, polling
 * only. Prints one JSON line.
 *
 *   npm run bench:sync-read [-- --rounds 3 --samples 10]
 */
import { randomBytes } from 'node:crypto';
import { rawPagedRead } from './sync/raw-paged-read.js';
import { createLabUser, deleteLabEntry, labClient, replace, requireLabState } from '@ferry/lab';
import { Secret } from '@ferry/protocol';
import { AdConnector, parseDirectoryConfig } from '../packages/agent/src/index.js';
import { SyncReader, type SyncConfigInput } from '../packages/agent/src/sync/index.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}
const rounds = option('rounds', 3);
const samples = option('samples', 10);
const PAGE_SIZE = 1_000;

const state = await requireLabState();
const raw = labClient(state.ldapsUrl, state.caFile, 60_000);
await raw.bind(state.serviceAccount.dn, state.serviceAccount.password);
const directory = parseDirectoryConfig({
  urls: [state.ldapsUrl],
  caFile: state.caFile,
  bindDn: state.serviceAccount.dn,
  bindPassword: Secret.of(state.serviceAccount.password),
  baseDn: state.baseDn,
  operationTimeoutMs: 60_000,
});
const connector = new AdConnector(directory);
const reader = new SyncReader(connector, { pageSize: PAGE_SIZE });

async function rawRead(): Promise<number> {
  return rawPagedRead(raw, state.baseDn);
}

async function ferryRead(): Promise<number> {
  const result = await reader.fullImport(async () => undefined);
  return result.upserts;
}

async function timed(read: () => Promise<number>): Promise<{ users: number; perSecond: number }> {
  const started = performance.now();
  const users = await read();
  const seconds = (performance.now() - started) / 1000;
  return { users, perSecond: users / seconds };
}

// Warm both paths (TLS session, the DC's caches) before measuring.
await rawRead();
await ferryRead();
let best = { raw: 0, ferry: 0, users: 0 };
for (let round = 0; round < rounds; round += 1) {
  const r = await timed(rawRead);
  const f = await timed(ferryRead);
  if (r.users !== f.users) throw new Error(`raw read ${r.users} users, Ferry ${f.users}`);
  console.error(
    `round ${round + 1}: raw ${r.perSecond.toFixed(0)} users/s, ferry ${f.perSecond.toFixed(0)} users/s`,
  );
  best = {
    raw: Math.max(best.raw, r.perSecond),
    ferry: Math.max(best.ferry, f.perSecond),
    users: f.users,
  };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Change one user's displayName `samples` times; time each change until its batch arrives. */
async function deltaLatency(config: SyncConfigInput): Promise<{ p50: number; p95: number }> {
  const admin = labClient(state.ldapsUrl, state.caFile);
  await admin.bind(state.admin.dn, state.admin.password);
  const user = await createLabUser(admin, {
    ouDn: state.ous.tests,
    sAMAccountName: `bench${randomBytes(4).toString('hex')}`,
  });
  const watcher = new SyncReader(
    connector,
    { includeOus: [state.ous.tests], ...config },
    { directory },
  );
  const controller = new AbortController();
  let wanted = '';
  let arrived: () => void = () => undefined;
  const start = (await watcher.preview(null)).result.toCursor;
  const watching = watcher.watch(
    start,
    async (batch) => {
      if (wanted && batch.upserts.some((u) => u.displayName === wanted)) arrived();
    },
    controller.signal,
  );
  const times: number[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (let sample = 0; sample < samples; sample += 1) {
      const landed = new Promise<void>((resolve) => (arrived = resolve));
      wanted = `Bench ${sample} ${Date.now()}`;
      const started = performance.now();
      await admin.modify(user.dn, [replace('displayName', [wanted])]);
      await landed;
      times.push(performance.now() - started);
      // Changes at random moments, not in step with Samba's or the poll's timer.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_500));
    }
  } finally {
    controller.abort();
    await watching;
    await deleteLabEntry(admin, user.dn);
    await admin.unbind();
  }
  times.sort((a, b) => a - b);
  return { p50: Math.round(percentile(times, 50)), p95: Math.round(percentile(times, 95)) };
}

const modes = {
  default: {},
  notificationOnly: { notification: true, safetyPollMs: 3_600_000 },
  pollOnly: { notification: false, pollIntervalMs: 2_000 },
} satisfies Record<string, SyncConfigInput>;
const latency: Record<string, { p50: number; p95: number }> = {};
for (const [mode, config] of Object.entries(modes)) {
  latency[mode] = await deltaLatency(config);
  console.error(`delta latency, ${mode}: p50 ${latency[mode].p50} ms, p95 ${latency[mode].p95} ms`);
}
await raw.unbind();
await connector.close();
console.log(
  JSON.stringify({
    sync: {
      users: best.users,
      raw_users_per_s: Math.round(best.raw),
      ferry_users_per_s: Math.round(best.ferry),
      ratio: Number((best.ferry / best.raw).toFixed(2)),
      delta_p50_ms: latency['default']?.p50,
      delta_p95_ms: latency['default']?.p95,
      delta_latency_ms: latency,
    },
  }),
);
