import { generateBulkUsers, labClient, type LabState } from '@ferry/lab';
import { FerrySystem } from '../../test/e2e/support/ferry-system.js';
import { measureChangeLatency, type ChangeLatencyFigures } from './change-latency.js';
import { rawPagedRead } from './raw-paged-read.js';
import {
  measureDeltaLookup,
  measureUsnProbe,
  type DeltaLookupFigures,
  type UsnProbeFigures,
} from './usn-probe-load.js';

export interface SyncCloudFigures {
  readonly users: number;
  readonly raw_users_per_s: number;
  readonly ferry_users_per_s: number;
  readonly delta_p50_ms: number;
  readonly delta_p95_ms: number;
  readonly delta_samples: number;
  readonly delta_by_kind: ChangeLatencyFigures['byKind'];
  readonly probe: UsnProbeFigures;
  readonly lookup: DeltaLookupFigures;
}

/**
 * Sync end to end: a full import of the Bulk OU (10,000 users) from AD into the cloud's store
 * through the agent and its WebSocket, next to the same paged ldapts read alone; then the
 * time from changes of seven kinds in AD to the cloud API; and what the agent's USN probe
 * costs the DC.
 */
export async function benchSyncIntoCloud(
  lab: LabState,
  log: (line: string) => void,
  rounds = 5,
): Promise<SyncCloudFigures> {
  await generateBulkUsers(lab, 10_000, log);
  const raw = labClient(lab.ldapsUrl, lab.caFile, 120_000);
  await raw.bind(lab.serviceAccount.dn, lab.serviceAccount.password);
  const rawStart = performance.now();
  const rawUsers = await rawPagedRead(raw, lab.ous.bulk);
  const rawSeconds = (performance.now() - rawStart) / 1000;

  const system = new FerrySystem({ lab, rateLimitPerMinute: 1_000_000 });
  let figures: Omit<SyncCloudFigures, 'probe' | 'lookup'>;
  try {
    await system.startNode();
    log('sync: full import of the Bulk OU into the cloud');
    const agent = await system.addAgent({
      env: {
        FERRY_AGENT_SYNC: 'true',
        FERRY_AGENT_SYNC_INCLUDE_OUS: lab.ous.bulk,
      },
    });
    const [leading] = await agent.process.waitFor(/^.*"msg":"sync: leading".*$/, 30_000);
    const [done] = await agent.process.waitFor(/^.*"msg":"sync: full import done".*$/, 600_000);
    const started = (JSON.parse(leading!) as { time: number }).time;
    const finished = JSON.parse(done!) as { time: number; upserts: number };
    const ferrySeconds = (finished.time - started) / 1000;

    log('sync: change-to-cloud latency');
    // Changes are made as the domain admin, the way an AD admin would make them.
    const admin = labClient(lab.ldapsUrl, lab.caFile);
    await admin.bind(lab.admin.dn, lab.admin.password);
    const { json } = await system.api.get('/api/v1/users?limit=20');
    const targets = (
      json.users as Array<{ id: string; onPremises: { distinguishedName: string } | null }>
    )
      .filter((user) => user.onPremises)
      .map((user) => ({ id: user.id, dn: user.onPremises!.distinguishedName }));
    const changes = await measureChangeLatency(lab, admin, system.api, targets, rounds);
    await admin.unbind();
    figures = {
      users: finished.upserts,
      raw_users_per_s: Math.round(rawUsers / rawSeconds),
      ferry_users_per_s: Math.round(finished.upserts / ferrySeconds),
      delta_p50_ms: Math.round(changes.all.p50_ms),
      delta_p95_ms: Math.round(changes.all.p95_ms),
      delta_samples: changes.all.count,
      delta_by_kind: changes.byKind,
    };
  } finally {
    await system.stop();
    await raw.unbind();
  }
  return {
    ...figures,
    lookup: await measureDeltaLookup(lab, log),
    probe: await measureUsnProbe(lab, log),
  };
}
