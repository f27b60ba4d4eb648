import { openSync, closeSync, existsSync, readFileSync, readlinkSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import type { LabPaths } from './lab-layout.js';

/**
 * The PID file holds "pid starttime": Samba renames its processes ("samba: root process"),
 * so the lab recognises its own by executable and kernel start time, which also guards
 * against a recycled PID.
 */
export function runningLabPid(paths: LabPaths): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const [pidText, startText] = readFileSync(paths.pidFile, 'utf8').trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    if (!readlinkSync(`/proc/${pid}/exe`).endsWith('/samba')) return undefined;
    return processStartTime(pid) === startText ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processStartTime(pid: number): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; starttime is field 22 overall.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Starts `samba -i` in its own process group, detached, logging to the lab folder. */
export async function startSamba(paths: LabPaths): Promise<number> {
  const log = openSync(paths.logFile, 'a');
  try {
    const child = spawn('samba', ['-i', '-s', paths.smbConf, '--debug-stdout'], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error('samba did not start (no pid)');
    child.unref();
    await writeFile(paths.pidFile, `${child.pid} ${processStartTime(child.pid) ?? ''}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Stops only the process group the lab started: SIGTERM, then SIGKILL after a grace period. */
export async function stopSamba(paths: LabPaths, graceMs = 10_000): Promise<boolean> {
  const pid = runningLabPid(paths);
  if (pid === undefined) {
    await rm(paths.pidFile, { force: true });
    return false;
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && runningLabPid(paths) === pid) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (runningLabPid(paths) === pid) signalGroup(pid, 'SIGKILL');
  await rm(paths.pidFile, { force: true });
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
