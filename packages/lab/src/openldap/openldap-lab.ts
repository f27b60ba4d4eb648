import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { labPaths, type LabPaths } from '../lab-layout.js';
import { labClient } from '../lab-ldap.js';
import type { LabAccount } from '../lab-state.js';
import { ensureLabTls } from '../lab-tls.js';
import { applyOpenLdapFixtures, OPENLDAP_FIXTURES_VERSION } from './openldap-fixtures.js';
import { OPENLDAP_LDAPS_URL, OPENLDAP_ROOT_DN, openLdapPaths } from './openldap-layout.js';
import {
  ensureSlapdInstalled,
  isSlapdProvisioned,
  provisionSlapd,
  runningSlapdPid,
  startSlapd,
  stopSlapd,
} from './openldap-process.js';
import { readOpenLdapState, writeOpenLdapState, type OpenLdapLabState } from './openldap-state.js';

type Log = (line: string) => void;

/**
 * Idempotent, as the AD lab's `up`: installs slapd, provisions the folder, starts slapd and
 * seeds fixtures only when missing. The TLS certificate is the AD lab's (same CA file).
 */
export async function openLdapUp(log: Log, lab: LabPaths = labPaths()): Promise<OpenLdapLabState> {
  const paths = openLdapPaths(lab);
  await ensureSlapdInstalled(log);
  const tls = await ensureLabTls(lab);
  const previous = await readOpenLdapState(lab);
  let admin = previous?.admin;
  let fresh = false;
  if (!isSlapdProvisioned(paths) || !admin) {
    await stopSlapd(paths);
    admin = {
      dn: OPENLDAP_ROOT_DN,
      sAMAccountName: 'admin',
      userPrincipalName: 'admin',
      password: `Adm1n!${randomBytes(12).toString('base64url')}`,
    };
    log(`provisioning OpenLDAP into ${paths.dir}`);
    await provisionSlapd(paths, tls, admin.password);
    fresh = true;
  }
  if (runningSlapdPid(paths) === undefined) {
    const pid = await startSlapd(paths);
    log(`started slapd (pid ${pid}), waiting for LDAPS on ${OPENLDAP_LDAPS_URL}`);
  }
  await waitForLdaps(lab, admin, 15_000);
  let state = previous;
  if (fresh || !state || state.fixturesVersion !== OPENLDAP_FIXTURES_VERSION) {
    log('seeding OpenLDAP fixtures (users, service accounts, group)');
    const client = labClient(OPENLDAP_LDAPS_URL, lab.caFile);
    try {
      await client.bind(admin.dn, admin.password);
      state = await applyOpenLdapFixtures(client, admin, lab.caFile);
    } finally {
      await client.unbind();
    }
    await writeOpenLdapState(state, lab);
  }
  return state;
}

export async function openLdapDown(log: Log, lab: LabPaths = labPaths()): Promise<void> {
  const stopped = await stopSlapd(openLdapPaths(lab));
  log(stopped ? 'lab slapd stopped' : 'lab slapd was not running');
}

export async function openLdapReset(
  log: Log,
  lab: LabPaths = labPaths(),
): Promise<OpenLdapLabState> {
  const paths = openLdapPaths(lab);
  await stopSlapd(paths);
  await rm(paths.dir, { recursive: true, force: true });
  await rm(paths.stateFile, { force: true });
  return openLdapUp(log, lab);
}

export async function openLdapStatus(lab: LabPaths = labPaths()) {
  const paths = openLdapPaths(lab);
  const state = await readOpenLdapState(lab);
  const pid = runningSlapdPid(paths);
  const ldapsAnswers = state && pid !== undefined ? await ldapsBinds(lab, state.admin) : false;
  return { provisioned: isSlapdProvisioned(paths), pid, ldapsAnswers };
}

async function waitForLdaps(lab: LabPaths, admin: LabAccount, timeoutMs: number): Promise<void> {
  const paths = openLdapPaths(lab);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ldapsBinds(lab, admin)) return;
    if (runningSlapdPid(paths) === undefined) {
      throw new Error(`slapd exited during start; see ${paths.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`LDAPS did not answer within ${timeoutMs} ms; see ${paths.logFile}`);
}

async function ldapsBinds(lab: LabPaths, admin: LabAccount): Promise<boolean> {
  const client = labClient(OPENLDAP_LDAPS_URL, lab.caFile, 3_000);
  try {
    await client.bind(admin.dn, admin.password);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
