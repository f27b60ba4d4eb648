import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { runCommand } from './run-command.js';
import { LAB_HOST_NAME, LAB_NETBIOS_DOMAIN, LAB_REALM, type LabPaths } from './lab-layout.js';

/**
 * Provisions a new AD domain into the lab folder. The domain policy stays as Samba sets it
 * (minimum age 1 day, history 24, complexity on), which is the on-premises starting point
 * of the Entra writeback guide.
 */
export async function provisionDomain(paths: LabPaths, adminPassword: string): Promise<void> {
  await mkdir(paths.sambaDir, { recursive: true, mode: 0o700 });
  await runCommand(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${paths.sambaDir}`,
      `--realm=${LAB_REALM}`,
      `--domain=${LAB_NETBIOS_DOMAIN}`,
      `--host-name=${LAB_HOST_NAME}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--use-rfc2307',
      `--adminpass=${adminPassword}`,
      '--option=interfaces=lo',
      '--option=bind interfaces only=yes',
      `--option=netbios name=${LAB_HOST_NAME.toUpperCase()}`,
    ],
    { timeoutMs: 300_000 },
  );
}

export function isProvisioned(paths: LabPaths): boolean {
  return existsSync(paths.smbConf) && existsSync(paths.samLdb);
}

/** Only the LDAP server runs, with the lab's own certificate so clients can verify it. */
export async function configureServer(
  paths: LabPaths,
  tls: { keyFile: string; certFile: string },
): Promise<void> {
  const original = await readFile(paths.smbConf, 'utf8');
  const kept = original
    .split('\n')
    .filter(
      (line) =>
        !/^\s*(server services|tls \w+|pid directory|log file|logging|old password allowed period)\s*=/.test(
          line,
        ),
    );
  const globalIndex = kept.findIndex((line) => line.trim() === '[global]');
  kept.splice(
    globalIndex + 1,
    0,
    '\tserver services = ldap, cldap',
    '\ttls enabled = yes',
    `\ttls keyfile = ${tls.keyFile}`,
    `\ttls certfile = ${tls.certFile}`,
    `\ttls cafile = ${paths.caFile}`,
    `\tpid directory = ${paths.sambaDir}`,
    '\tlogging = stderr',
    // AD and Samba accept the previous password for NTLM-based binds for 60 minutes after a
    // change; the lab turns that off so tests can show a replaced password stops working.
    '\told password allowed period = 0',
  );
  await writeFile(paths.smbConf, kept.join('\n'));
}
