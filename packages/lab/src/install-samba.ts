import { existsSync } from 'node:fs';
import { commandExists, runCommand } from './run-command.js';

const packages = ['samba', 'samba-ad-dc', 'samba-ad-provision', 'ldb-tools', 'winbind', 'openssl'];
const provisionSchema = '/usr/share/samba/setup/ad-schema';

/** Installs Debian's Samba AD DC packages when they are missing (needs root, as on CI). */
export async function ensureSambaInstalled(log: (line: string) => void): Promise<void> {
  const present =
    (await commandExists('samba')) &&
    (await commandExists('samba-tool')) &&
    existsSync(provisionSchema);
  if (present) return;
  log(`installing ${packages.join(' ')} with apt-get (once per machine)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  try {
    await runCommand('apt-get', install, { env, timeoutMs: 600_000 });
  } catch {
    await runCommand('apt-get', ['update'], { env, timeoutMs: 300_000 });
    await runCommand('apt-get', install, { env, timeoutMs: 600_000 });
  }
}
