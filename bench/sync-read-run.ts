import { spawn } from 'node:child_process';
import path from 'node:path';
import { generateBulkUsers, type LabState } from '@ferry/lab';

export interface SyncFigures {
  readonly users: number;
  readonly raw_users_per_s: number;
  readonly ferry_users_per_s: number;
  readonly delta_p50_ms: number;
  readonly delta_p95_ms: number;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Runs bench/sync-read.ts (its own process, as `npm run bench:sync-read`) on 10,000 users. */
export async function benchSyncRead(
  lab: LabState,
  log: (line: string) => void,
): Promise<SyncFigures> {
  await generateBulkUsers(lab, 10_000, log);
  log('sync: raw paged search vs SyncReader full import, then change latency');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=ferry-source', '--import', 'tsx', 'bench/sync-read.ts'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`sync-read exited with ${code}`)),
    );
  });
  const line = output.trim().split('\n').pop() ?? '{}';
  const { sync } = JSON.parse(line) as { sync: SyncFigures };
  return {
    users: sync.users,
    raw_users_per_s: sync.raw_users_per_s,
    ferry_users_per_s: sync.ferry_users_per_s,
    delta_p50_ms: sync.delta_p50_ms,
    delta_p95_ms: sync.delta_p95_ms,
  };
}
