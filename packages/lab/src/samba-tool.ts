import { runCommand } from './run-command.js';
import type { LabPaths } from './lab-layout.js';

/** samba-tool against the lab's own database (never the machine's /etc/samba). */
export async function sambaTool(paths: LabPaths, args: readonly string[]): Promise<string> {
  const { stdout } = await runCommand('samba-tool', [...args, '-s', paths.smbConf], {
    timeoutMs: 120_000,
  });
  return stdout;
}

export interface DomainPasswordSettings {
  readonly minPwdLength?: number;
  readonly historyLength?: number;
  readonly minPwdAgeDays?: number;
  readonly maxPwdAgeDays?: number;
  readonly complexity?: boolean;
  readonly lockoutThreshold?: number;
  readonly lockoutDurationMinutes?: number;
  readonly resetLockoutAfterMinutes?: number;
}

/** The samba-tool flags shared by `domain passwordsettings set` and `pso create|set`. */
export function passwordSettingsFlags(settings: DomainPasswordSettings): string[] {
  const flags: string[] = [];
  const push = (flag: string, value: number | boolean | undefined): void => {
    if (value === undefined) return;
    flags.push(`--${flag}=${typeof value === 'boolean' ? (value ? 'on' : 'off') : value}`);
  };
  push('min-pwd-length', settings.minPwdLength);
  push('history-length', settings.historyLength);
  push('min-pwd-age', settings.minPwdAgeDays);
  push('max-pwd-age', settings.maxPwdAgeDays);
  push('complexity', settings.complexity);
  push('account-lockout-threshold', settings.lockoutThreshold);
  push('account-lockout-duration', settings.lockoutDurationMinutes);
  push('reset-account-lockout-after', settings.resetLockoutAfterMinutes);
  return flags;
}

export async function setDomainPasswordSettings(
  paths: LabPaths,
  settings: DomainPasswordSettings,
): Promise<void> {
  await sambaTool(paths, ['domain', 'passwordsettings', 'set', ...passwordSettingsFlags(settings)]);
}

/** Adds one ACE to an object's DACL. */
export async function addAce(paths: LabPaths, objectDn: string, sddlAce: string): Promise<void> {
  await sambaTool(paths, ['dsacl', 'set', `--objectdn=${objectDn}`, `--sddl=${sddlAce}`]);
}
