import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ownedPid, startDetached, stopOwned } from '../lab-process.js';
import { commandExists, runCommand } from '../run-command.js';
import { baseLdif, slapdConfigLdif } from './openldap-config.js';
import {
  OPENLDAP_LDAP_URL,
  OPENLDAP_LDAPS_URL,
  OPENLDAP_SUFFIX,
  type OpenLdapPaths,
} from './openldap-layout.js';

const modulesDir = '/usr/lib/ldap';

/**
 * Installs Debian's slapd without its system instance: `/etc/ldap/noslapd` keeps the init
 * script from starting it and debconf's no_configuration skips the dc=nodomain database.
 */
export async function ensureSlapdInstalled(log: (line: string) => void): Promise<void> {
  const present =
    (await commandExists('slapd')) &&
    (await commandExists('slapadd')) &&
    existsSync(path.join(modulesDir, 'ppolicy.so'));
  if (present) return;
  log('installing slapd and ldap-utils with apt-get (once per machine, system service left off)');
  await mkdir('/etc/ldap', { recursive: true });
  await writeFile('/etc/ldap/noslapd', '');
  await runCommand('sh', [
    '-c',
    'echo "slapd slapd/no_configuration boolean true" | debconf-set-selections',
  ]);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = ['install', '-y', '--no-install-recommends', 'slapd', 'ldap-utils'];
  try {
    await runCommand('apt-get', install, { env, timeoutMs: 600_000 });
  } catch {
    await runCommand('apt-get', ['update'], { env, timeoutMs: 300_000 });
    await runCommand('apt-get', install, { env, timeoutMs: 600_000 });
  }
}

export function isSlapdProvisioned(paths: OpenLdapPaths): boolean {
  return existsSync(path.join(paths.configDir, 'cn=config.ldif'));
}

/** A new slapd folder: cn=config and the suffix's skeleton loaded offline with slapadd. */
export async function provisionSlapd(
  paths: OpenLdapPaths,
  tls: { keyFile: string; certFile: string },
  rootPassword: string,
): Promise<void> {
  await rm(paths.dir, { recursive: true, force: true });
  for (const dir of [paths.configDir, paths.dataDir, paths.accesslogDir]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  const { stdout: hash } = await runCommand('slappasswd', ['-s', rootPassword]);
  const configFile = path.join(paths.dir, 'config.ldif');
  const baseFile = path.join(paths.dir, 'base.ldif');
  await writeFile(configFile, slapdConfigLdif(paths, tls, hash.trim()), { mode: 0o600 });
  await writeFile(baseFile, baseLdif());
  await runCommand('slapadd', ['-n0', '-F', paths.configDir, '-l', configFile, '-q']);
  await runCommand('slapadd', ['-F', paths.configDir, '-b', OPENLDAP_SUFFIX, '-l', baseFile, '-q']);
}

export function runningSlapdPid(paths: OpenLdapPaths): number | undefined {
  return ownedPid(paths.pidFile, 'slapd');
}

/** slapd in the foreground (-d 0) so the recorded PID is slapd's own. */
export function startSlapd(paths: OpenLdapPaths): Promise<number> {
  const urls = `${OPENLDAP_LDAP_URL}/ ${OPENLDAP_LDAPS_URL}/`;
  return startDetached('slapd', ['-d', '0', '-F', paths.configDir, '-h', urls], paths);
}

/** slapd takes 1–2 s to exit after SIGTERM; this waits for it. */
export function stopSlapd(paths: OpenLdapPaths): Promise<boolean> {
  return stopOwned(paths.pidFile, 'slapd');
}
