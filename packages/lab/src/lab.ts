import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { applyFixtures, FIXTURES_VERSION } from './fixtures.js';
import {
  labPaths,
  LAB_BASE_DN,
  LAB_LDAPS_URL,
  LAB_NETBIOS_DOMAIN,
  LAB_REALM,
  type LabPaths,
} from './lab-layout.js';
import { labClient } from './lab-ldap.js';
import { readLabState, writeLabState, type LabAccount, type LabState } from './lab-state.js';
import { ensureLabTls } from './lab-tls.js';
import { ensureSambaInstalled } from './install-samba.js';
import { configureServer, isProvisioned, provisionDomain } from './provision.js';
import { runningLabPid, startSamba, stopSamba } from './samba-process.js';

type Log = (line: string) => void;

export interface LabStatus {
  readonly provisioned: boolean;
  readonly pid: number | undefined;
  readonly ldapsAnswers: boolean;
  readonly paths: LabPaths;
}

/** Idempotent: installs, provisions, starts and seeds only what is missing. */
export async function labUp(log: Log, paths: LabPaths = labPaths()): Promise<LabState> {
  await ensureSambaInstalled(log);
  const tls = await ensureLabTls(paths);
  const previous = await readLabState(paths);
  let admin: LabAccount | undefined = previous?.admin;
  if (!isProvisioned(paths) || !admin) {
    await stopSamba(paths);
    await rm(paths.sambaDir, { recursive: true, force: true });
    admin = {
      dn: `CN=Administrator,CN=Users,${LAB_BASE_DN}`,
      sAMAccountName: 'Administrator',
      userPrincipalName: `Administrator@${LAB_REALM.toLowerCase()}`,
      password: `Adm1n!${randomBytes(12).toString('base64url')}`,
    };
    log(`provisioning AD domain ${LAB_REALM} (${LAB_NETBIOS_DOMAIN}) into ${paths.sambaDir}`);
    await provisionDomain(paths, admin.password);
  }
  if (runningLabPid(paths) === undefined) {
    await configureServer(paths, tls);
    const pid = await startSamba(paths);
    log(`started samba (pid ${pid}), waiting for LDAPS on ${LAB_LDAPS_URL}`);
  }
  await waitForLdaps(paths, admin, 90_000);
  let state = previous;
  if (
    !state ||
    state.fixturesVersion !== FIXTURES_VERSION ||
    state.admin.password !== admin.password
  ) {
    log('seeding lab fixtures (OUs, users, service accounts, delegation, password policies)');
    const client = labClient(LAB_LDAPS_URL, paths.caFile);
    try {
      await client.bind(admin.dn, admin.password);
      state = await applyFixtures(client, paths, admin, {
        realm: LAB_REALM,
        baseDn: LAB_BASE_DN,
        ldapsUrl: LAB_LDAPS_URL,
        caFile: paths.caFile,
        smbConf: paths.smbConf,
      });
    } finally {
      await client.unbind();
    }
    await writeLabState(state, paths);
  }
  return state;
}

export async function labDown(log: Log, paths: LabPaths = labPaths()): Promise<void> {
  const stopped = await stopSamba(paths);
  log(stopped ? 'lab samba stopped' : 'lab samba was not running');
}

/** Throws the lab away and builds a new one. */
export async function labReset(log: Log, paths: LabPaths = labPaths()): Promise<LabState> {
  await stopSamba(paths);
  await rm(paths.sambaDir, { recursive: true, force: true });
  await rm(paths.stateFile, { force: true });
  return labUp(log, paths);
}

export async function labStatus(paths: LabPaths = labPaths()): Promise<LabStatus> {
  const state = await readLabState(paths);
  const pid = runningLabPid(paths);
  let ldapsAnswers = false;
  if (state && pid !== undefined) ldapsAnswers = await ldapsBinds(paths, state.admin);
  return { provisioned: isProvisioned(paths), pid, ldapsAnswers, paths };
}

async function waitForLdaps(paths: LabPaths, admin: LabAccount, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ldapsBinds(paths, admin)) return;
    if (runningLabPid(paths) === undefined) {
      throw new Error(`samba exited during start; see ${paths.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`LDAPS did not answer within ${timeoutMs} ms; see ${paths.logFile}`);
}

async function ldapsBinds(paths: LabPaths, admin: LabAccount): Promise<boolean> {
  const client = labClient(LAB_LDAPS_URL, paths.caFile, 3_000);
  try {
    await client.bind(admin.dn, admin.password);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
