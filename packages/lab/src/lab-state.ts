import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { labPaths, type LabPaths } from './lab-layout.js';

export interface LabAccount {
  readonly dn: string;
  readonly sAMAccountName: string;
  readonly userPrincipalName: string;
  readonly password: string;
}

/**
 * What a provisioned lab knows about itself. Written with mode 0600 because it holds the
 * lab's throwaway passwords; commands print its path, never its passwords.
 */
export interface LabState {
  readonly realm: string;
  readonly baseDn: string;
  readonly ldapsUrl: string;
  readonly caFile: string;
  readonly smbConf: string;
  readonly ous: Readonly<
    Record<'root' | 'staff' | 'tests' | 'bulk' | 'service' | 'outside', string>
  >;
  readonly groups: Readonly<Record<'minAgeZero' | 'lockoutThree', string>>;
  readonly admin: LabAccount;
  readonly serviceAccount: LabAccount;
  readonly noRightsAccount: LabAccount;
  readonly users: Readonly<Record<string, LabAccount>>;
  readonly fixturesVersion: number;
}

export async function writeLabState(state: LabState, paths: LabPaths = labPaths()): Promise<void> {
  await writeFile(paths.stateFile, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await chmod(paths.stateFile, 0o600);
}

export async function readLabState(paths: LabPaths = labPaths()): Promise<LabState | undefined> {
  if (!existsSync(paths.stateFile)) return undefined;
  return JSON.parse(await readFile(paths.stateFile, 'utf8')) as LabState;
}

/** For tests and tools: the lab must be up; the message says how to get it. */
export async function requireLabState(paths: LabPaths = labPaths()): Promise<LabState> {
  const state = await readLabState(paths);
  if (!state) {
    throw new Error(`No lab at ${paths.root}: start it with \`npm run lab -- up\``);
  }
  return state;
}
