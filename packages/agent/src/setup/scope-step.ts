import type { Client } from 'ldapts';
import type { Dialect } from './directory-facts.js';
import type { Prompter } from './prompter.js';
import { SetupError } from './setup-error.js';

/** At most this many OUs are offered; more are named with --include-ou. */
export const MAX_OFFERED_OUS = 100;

export interface ScopeFlags {
  readonly 'base-dn'?: string | undefined;
  readonly 'include-ou'?: readonly string[] | undefined;
  readonly 'exclude-ou'?: readonly string[] | undefined;
  readonly 'sync-critical-objects'?: boolean | undefined;
}

export interface Scope {
  readonly baseDn: string;
  readonly includeOus: readonly string[];
  readonly excludeOus: readonly string[];
  readonly syncCriticalObjects: boolean;
}

async function exists(client: Client, dn: string): Promise<boolean> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['1.1'],
    });
    return searchEntries.length === 1;
  } catch {
    return false;
  }
}

/** The OUs under the base DN, as the service account sees them, shallowest first. */
export async function listOus(client: Client, baseDn: string): Promise<string[]> {
  const { searchEntries } = await client.search(baseDn, {
    scope: 'sub',
    filter: '(objectClass=organizationalUnit)',
    attributes: ['1.1'],
    paged: { pageSize: 500 },
  });
  const depth = (dn: string): number => dn.split(',').length;
  return searchEntries
    .map((entry) => entry.dn)
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

const sameDn = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Base DN (checked to exist), the OUs to sync picked from the tree, critical objects left out. */
export async function chooseScope(
  prompter: Prompter,
  flags: ScopeFlags,
  client: Client,
  dialect: Dialect,
  defaultBaseDn: string | undefined,
): Promise<Scope> {
  let baseDn: string | undefined = flags['base-dn'];
  for (;;) {
    baseDn ??= await prompter.ask('Base DN (users are found under it)', {
      flag: '--base-dn',
      default: defaultBaseDn,
    });
    if (await exists(client, baseDn)) break;
    const problem = `${baseDn} does not exist or the service account cannot read it`;
    if (!prompter.interactive) throw new SetupError('base_dn_not_found', problem);
    prompter.say(problem);
    baseDn = undefined;
  }
  const ous = await listOus(client, baseDn);
  const given = flags['include-ou'] ?? [];
  for (const ou of given) {
    if (!ous.some((found) => sameDn(found, ou)))
      throw new SetupError('ou_not_found', `--include-ou ${ou} is not an OU under ${baseDn}`);
  }
  const offered = ous.slice(0, MAX_OFFERED_OUS);
  for (const ou of given) if (!offered.some((dn) => sameDn(dn, ou))) offered.push(ou);
  let includeOus = given;
  if (offered.length > 0 && prompter.interactive) {
    const ticks = await prompter.checklist(
      `OUs to sync (none ticked: everything under ${baseDn})${ous.length > MAX_OFFERED_OUS ? `; ${ous.length - MAX_OFFERED_OUS} more not shown (--include-ou)` : ''}:`,
      offered.map((dn) => ({ label: dn, checked: given.some((ou) => sameDn(ou, dn)) })),
    );
    includeOus = offered.filter((_, i) => ticks[i]);
  }
  let syncCriticalObjects = false;
  if (dialect === 'ad') {
    const leaveOut = await prompter.confirm(
      'Leave out critical system objects (Administrator, krbtgt, Guest, ...), as Entra Connect does?',
      !flags['sync-critical-objects'],
    );
    syncCriticalObjects = !leaveOut;
  }
  return { baseDn, includeOus, excludeOus: flags['exclude-ou'] ?? [], syncCriticalObjects };
}
