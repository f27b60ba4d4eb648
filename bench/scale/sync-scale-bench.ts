import { bulkMoreOu, generateBulkUsers, labClient, replace, type LabState } from '@ferry/lab';
import type { Api } from '../../scripts/support/api.js';
import { FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { processTreeRssMb } from '../memory/process-tree-rss.js';
import { summarize, type LatencySummary } from '../stats.js';
import { rawPagedRead } from '../sync/raw-paged-read.js';
import { sql } from 'kysely';
import { openStore } from '../../packages/cloud/src/store/connect.js';
import { insertBulkUsers } from '../../packages/cloud/test/helpers/bulk-users.js';
import { freshDatabase } from './seeded-directory.js';

const SMALL = 10_000;
/** The large cloud holds this many users: the synced ones, and cloud-only users to fill up. */
const LARGE_CLOUD = 100_000;

export interface ImportRun {
  readonly store: 'PostgreSQL' | 'SQLite';
  readonly users: number;
  readonly raw_users_per_s: number;
  readonly ferry_users_per_s: number;
  readonly agent_peak_mb: number;
  readonly cloud_peak_mb: number;
}

export interface AtSize {
  readonly users: number;
  /** Cloud-only users besides the synced ones (the large cloud filled up to 100,000). */
  readonly cloud_only: number;
  readonly delta: LatencySummary;
  readonly writeback: LatencySummary;
}

export interface SyncScaleFigures {
  readonly bulk_seconds: number;
  readonly bulk_created: number;
  readonly imports: ImportRun[];
  readonly small: AtSize;
  readonly large: AtSize;
}

interface Running {
  readonly system: FerrySystem;
  readonly run: ImportRun;
  readonly drop: () => Promise<void>;
}

/**
 * `adUsers` AD users (100,000 by default, kept in the lab between runs): a full import into the cloud on
 * PostgreSQL and on SQLite, each right after the raw paged read of the same OU, with the peak
 * memory of the agent and the cloud; then a cloud holding 10,000 of them (OU=Bulk More left
 * out) beside one holding all of them: AD changes seen by both, and password resets through
 * each in turn.
 */
export async function benchSyncAtScale(
  lab: LabState,
  adUsers: number,
  log: (line: string) => void,
  changes = 20,
  resets = 20,
): Promise<SyncScaleFigures> {
  const bulk = await generateBulkUsers(lab, adUsers, log);
  log(
    `sync at scale: ${adUsers} bulk users (${bulk.created} added in ${bulk.seconds.toFixed(0)} s)`,
  );
  const imports: ImportRun[] = [];
  const sqlite = await importInto(lab, 'SQLite', false, log);
  imports.push(sqlite.run);
  await sqlite.system.stop();
  const padding = Math.max(0, LARGE_CLOUD - adUsers);
  const large = await importInto(lab, 'PostgreSQL', false, log, padding);
  imports.push(large.run);
  let small: Running | undefined;
  try {
    small = await importInto(lab, 'PostgreSQL', true, log);
    log(`sync at scale: AD changes and resets with ${SMALL} and ${adUsers} users present`);
    const compared = await compare(lab, small.system, large.system, changes, resets);
    return {
      bulk_seconds: Math.round(bulk.seconds),
      bulk_created: bulk.created,
      imports,
      small: { users: small.run.users, cloud_only: 0, ...compared.small },
      large: { users: large.run.users, cloud_only: padding, ...compared.large },
    };
  } finally {
    await small?.system.stop();
    await small?.drop();
    await large.system.stop();
    await large.drop();
  }
}

async function importInto(
  lab: LabState,
  store: ImportRun['store'],
  tenThousand: boolean,
  log: (line: string) => void,
  padding = 0,
): Promise<Running> {
  const raw = labClient(lab.ldapsUrl, lab.caFile, 600_000);
  await raw.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
  log(`sync at scale: raw paged read, then the import into ${store}`);
  const rawStart = performance.now();
  const rawUsers = tenThousand ? SMALL : await rawPagedRead(raw, lab.ous.bulk);
  const rawSeconds = (performance.now() - rawStart) / 1000;
  await raw.unbind();
  const database =
    store === 'PostgreSQL'
      ? await freshDatabase(tenThousand ? 'ferry_bench_sync_small' : 'ferry_bench_sync_large')
      : undefined;
  const system = new FerrySystem({
    lab,
    rateLimitPerMinute: 1_000_000,
    operationTimeoutSeconds: 30,
    startTimeoutMs: 180_000,
    ...(database ? { databaseUrl: database.databaseUrl } : {}),
  });
  try {
    const node = await system.startNode();
    if (padding > 0 && database) {
      log(`sync at scale: ${padding} cloud-only users into the large cloud first`);
      const store = openStore({ databaseUrl: database.databaseUrl, dataDir: system.dataDir });
      try {
        const tenant = await store.db.selectFrom('tenants').select('id').executeTakeFirstOrThrow();
        await insertBulkUsers(store.db, tenant.id, { from: 0, to: padding }, null);
        await sql`vacuum analyze users`.execute(store.db);
      } finally {
        await store.close();
      }
    }
    const agent = await system.addAgent({
      env: {
        FERRY_AGENT_SYNC: 'true',
        FERRY_AGENT_SYNC_INCLUDE_OUS: lab.ous.bulk,
        ...(tenThousand ? { FERRY_AGENT_SYNC_EXCLUDE_OUS: bulkMoreOu(lab) } : {}),
      },
    });
    const peak = { agent: 0, cloud: 0 };
    const sampler = setInterval(() => {
      peak.agent = Math.max(peak.agent, processTreeRssMb(agent.process.child.pid!));
      peak.cloud = Math.max(peak.cloud, processTreeRssMb(node.process.child.pid!));
    }, 200);
    let lines: RegExpMatchArray[];
    try {
      lines = await Promise.all([
        agent.process.waitFor(/^.*"msg":"sync: leading".*$/, 60_000),
        agent.process.waitFor(/^.*"msg":"sync: full import done".*$/, 1_800_000),
      ]);
    } finally {
      clearInterval(sampler);
    }
    const started = (JSON.parse(lines[0]![0]) as { time: number }).time;
    const finished = JSON.parse(lines[1]![0]) as { time: number; upserts: number };
    const ferrySeconds = (finished.time - started) / 1000;
    const run: ImportRun = {
      store,
      users: finished.upserts,
      raw_users_per_s: tenThousand ? 0 : Math.round(rawUsers / rawSeconds),
      ferry_users_per_s: Math.round(finished.upserts / ferrySeconds),
      agent_peak_mb: Math.round(peak.agent),
      cloud_peak_mb: Math.round(peak.cloud),
    };
    log(`sync at scale: ${JSON.stringify(run)}`);
    return { system, run, drop: async () => database?.drop() };
  } catch (error) {
    await system.stop();
    await database?.drop();
    throw error;
  }
}

const userId = async (api: Api, account: string): Promise<string> => {
  const { json } = await api.get(`/api/v1/users?search=${account}&limit=5`);
  const found = (json.users as Array<{ id: string; userPrincipalName: string }>).find((user) =>
    user.userPrincipalName.startsWith(`${account}@`),
  );
  if (!found) throw new Error(`${account} is not in the cloud`);
  return found.id;
};

/**
 * The same AD changes watched in both clouds at once (a displayName change and a disable or
 * enable in turn, to users both hold), then password resets through each cloud in turn.
 */
async function compare(
  lab: LabState,
  small: FerrySystem,
  large: FerrySystem,
  changes: number,
  resets: number,
): Promise<{
  small: Omit<AtSize, 'users' | 'cloud_only'>;
  large: Omit<AtSize, 'users' | 'cloud_only'>;
}> {
  const admin = labClient(lab.ldapsUrl, lab.caFile);
  await admin.bind(lab.admin.dn, lab.admin.password);
  const accounts = Array.from(
    { length: 10 },
    (_, index) => `bulk${String(137 + index * 911).padStart(6, '0')}`,
  );
  const ids = {
    small: await Promise.all(accounts.map((account) => userId(small.api, account))),
    large: await Promise.all(accounts.map((account) => userId(large.api, account))),
  };
  const delta = { small: [] as number[], large: [] as number[] };
  try {
    for (let index = 0; index < changes; index += 1) {
      const slot = index % accounts.length;
      const dn = `CN=${accounts[slot]},${lab.ous.bulk}`;
      const name = `Scale ${Date.now()}-${index}`;
      const enabled = Math.floor(index / accounts.length) % 2 === 1;
      const change =
        index % 2 === 0
          ? replace('displayName', [name])
          : replace('userAccountControl', [enabled ? '544' : '546']);
      const seen = (json: { displayName: string; enabled: boolean }) =>
        index % 2 === 0 ? json.displayName === name : json.enabled === enabled;
      const began = performance.now();
      await admin.modify(dn, [change]);
      await Promise.all(
        (['small', 'large'] as const).map(async (size) => {
          const api = (size === 'small' ? small : large).api;
          while (!seen((await api.get(`/api/v1/users/${ids[size][slot]}`)).json)) {
            if (performance.now() - began > 30_000)
              throw new Error(`${size}: change not seen in 30 s`);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          delta[size].push(performance.now() - began);
        }),
      );
    }
    // Every account enabled again before the resets.
    for (const account of accounts) {
      await admin.modify(`CN=${account},${lab.ous.bulk}`, [replace('userAccountControl', ['544'])]);
    }
  } finally {
    await admin.unbind();
  }
  const writeback = { small: [] as number[], large: [] as number[] };
  for (let index = 0; index < resets; index += 1) {
    const order = index % 2 === 0 ? (['small', 'large'] as const) : (['large', 'small'] as const);
    for (const size of order) {
      const api = (size === 'small' ? small : large).api;
      const id = ids[size][index % accounts.length]!;
      const began = performance.now();
      const answer = await api.post(`/api/v1/users/${id}/password`, {
        password: `Scale!${Date.now().toString(36)}-${index}${size}Aa9`,
      });
      if (answer.status !== 200)
        throw new Error(`reset: ${answer.status} ${JSON.stringify(answer.json)}`);
      writeback[size].push(performance.now() - began);
    }
  }
  return {
    small: { delta: summarize(delta.small), writeback: summarize(writeback.small) },
    large: { delta: summarize(delta.large), writeback: summarize(writeback.large) },
  };
}
