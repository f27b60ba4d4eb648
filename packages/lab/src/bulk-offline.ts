import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labUp } from './lab.js';
import { labPaths } from './lab-layout.js';
import type { LabState } from './lab-state.js';
import { runCommand } from './run-command.js';
import { stopSamba } from './samba-process.js';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../python/bulk_add.py');

/**
 * Adds bulk users 1..count that are missing straight into the DC's sam.ldb with Samba's
 * Python bindings, the DC stopped (an ldb file has one writer): Samba's module stack gives
 * each user its RID, SID and defaults as an LDAP add would, but thousands share one
 * transaction. The DC is started again before this returns.
 */
export async function addBulkUsersOffline(
  state: LabState,
  count: number,
  moreOuDn: string,
  log: (line: string) => void,
): Promise<{ created: number; existing: number }> {
  const paths = labPaths();
  log('bulk users: stopping the lab DC to add users to its database directly');
  await stopSamba(paths);
  let stdout: string;
  try {
    ({ stdout } = await runCommand(
      // Debian's Python, which has Samba's bindings (python3-samba), not another one on PATH.
      existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
      [script, state.smbConf, state.ous.bulk, moreOuDn, state.realm, '1', String(count)],
      { timeoutMs: 3_600_000 },
    ));
  } finally {
    await labUp(log, paths);
  }
  const last = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    created?: number;
    existing?: number;
  };
  if (last.created === undefined || last.existing === undefined) {
    throw new Error(`bulk_add.py said nothing usable: ${stdout.slice(-300)}`);
  }
  return { created: last.created, existing: last.existing };
}
