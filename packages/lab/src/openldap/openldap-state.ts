import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { labPaths, type LabPaths } from '../lab-layout.js';
import type { LabAccount } from '../lab-state.js';
import { openLdapPaths, type openLdapOus, type openLdapPolicies } from './openldap-layout.js';

/**
 * What the OpenLDAP lab knows about itself (mode 0600: throwaway passwords). Accounts use
 * the AD lab's shape: sAMAccountName holds the uid and userPrincipalName the mail, the
 * attributes the connector's references map to in this dialect.
 */
export interface OpenLdapLabState {
  readonly dialect: 'openldap';
  readonly baseDn: string;
  readonly ldapUrl: string;
  readonly ldapsUrl: string;
  readonly caFile: string;
  readonly accesslogDn: string;
  readonly ous: Readonly<Record<keyof typeof openLdapOus, string>>;
  readonly policies: Readonly<Record<keyof typeof openLdapPolicies, string>>;
  readonly admin: LabAccount;
  readonly serviceAccount: LabAccount;
  readonly noRightsAccount: LabAccount;
  readonly users: Readonly<Record<string, LabAccount>>;
  readonly fixturesVersion: number;
}

export async function writeOpenLdapState(
  state: OpenLdapLabState,
  paths: LabPaths = labPaths(),
): Promise<void> {
  const file = openLdapPaths(paths).stateFile;
  await writeFile(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function readOpenLdapState(
  paths: LabPaths = labPaths(),
): Promise<OpenLdapLabState | undefined> {
  const file = openLdapPaths(paths).stateFile;
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as OpenLdapLabState;
}

/** For tests and tools: the OpenLDAP lab must be up; the message says how to get it. */
export async function requireOpenLdapState(
  paths: LabPaths = labPaths(),
): Promise<OpenLdapLabState> {
  const state = await readOpenLdapState(paths);
  if (!state) {
    throw new Error(
      `No OpenLDAP lab at ${paths.root}: start it with \`npm run lab -- up openldap\``,
    );
  }
  return state;
}
