import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';

/**
 * The lab's own server processes (samba, slapd): started detached in their own process
 * group, recorded as "pid starttime" so that a recycled PID is never taken for ours, and
 * stopped by group.
 */
export function ownedPid(pidFile: string, executable: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const [pidText, startText] = readFileSync(pidFile, 'utf8').trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    if (!readlinkSync(`/proc/${pid}/exe`).endsWith(`/${executable}`)) return undefined;
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

export async function startDetached(
  command: string,
  args: readonly string[],
  files: { readonly pidFile: string; readonly logFile: string },
): Promise<number> {
  const log = openSync(files.logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`${command} did not start (no pid)`);
    child.unref();
    await writeFile(files.pidFile, `${child.pid} ${processStartTime(child.pid) ?? ''}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** SIGTERM to the group, SIGKILL after a grace period; waits until the process is gone. */
export async function stopOwned(
  pidFile: string,
  executable: string,
  graceMs = 10_000,
): Promise<boolean> {
  const pid = ownedPid(pidFile, executable);
  if (pid === undefined) {
    await rm(pidFile, { force: true });
    return false;
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && ownedPid(pidFile, executable) === pid) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (ownedPid(pidFile, executable) === pid) signalGroup(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (Date.now() < killDeadline && ownedPid(pidFile, executable) === pid) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await rm(pidFile, { force: true });
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
