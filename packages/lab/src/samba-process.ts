import type { LabPaths } from './lab-layout.js';
import { ownedPid, startDetached, stopOwned } from './lab-process.js';

/** Samba renames its processes ("samba: root process"): the pid file identifies ours. */
export function runningLabPid(paths: LabPaths): number | undefined {
  return ownedPid(paths.pidFile, 'samba');
}

/** Starts `samba -i` in its own process group, detached, logging to the lab folder. */
export function startSamba(paths: LabPaths): Promise<number> {
  return startDetached('samba', ['-i', '-s', paths.smbConf, '--debug-stdout'], paths);
}

/** Stops only the process group the lab started: SIGTERM, then SIGKILL after a grace period. */
export function stopSamba(paths: LabPaths, graceMs = 10_000): Promise<boolean> {
  return stopOwned(paths.pidFile, 'samba', graceMs);
}
