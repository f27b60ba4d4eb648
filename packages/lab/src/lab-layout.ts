import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Fixed facts of the lab domain: one Samba AD DC on loopback, the same on every machine. */
export const LAB_REALM = 'CORP.EXAMPLE.TEST';
export const LAB_NETBIOS_DOMAIN = 'CORP';
export const LAB_BASE_DN = 'DC=corp,DC=example,DC=test';
export const LAB_HOST_NAME = 'ferrydc';
export const LAB_LDAPS_URL = 'ldaps://127.0.0.1:636';
export const LAB_LDAP_URL = 'ldap://127.0.0.1:389';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every file the lab owns lives under one git-ignored folder (FERRY_LAB_DIR overrides it). */
export interface LabPaths {
  readonly root: string;
  readonly sambaDir: string;
  readonly smbConf: string;
  readonly samLdb: string;
  readonly tlsDir: string;
  readonly caFile: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly stateFile: string;
}

export function labPaths(
  root = process.env['FERRY_LAB_DIR'] ?? path.join(repoRoot, '.lab'),
): LabPaths {
  const sambaDir = path.join(root, 'samba');
  const tlsDir = path.join(root, 'tls');
  return {
    root,
    sambaDir,
    smbConf: path.join(sambaDir, 'etc', 'smb.conf'),
    samLdb: path.join(sambaDir, 'private', 'sam.ldb'),
    tlsDir,
    caFile: path.join(tlsDir, 'ca.pem'),
    pidFile: path.join(root, 'samba.pid'),
    logFile: path.join(root, 'samba.log'),
    stateFile: path.join(root, 'lab.json'),
  };
}
