import type { ParseArgsConfig } from 'node:util';

/** Every prompt of `ferry-agent setup` has its flag; with --yes the flags are the answers. */
export const SETUP_OPTIONS = {
  yes: { type: 'boolean', short: 'y', default: false },
  cloud: { type: 'string' },
  'token-file': { type: 'string' },
  token: { type: 'string' },
  name: { type: 'string' },
  dc: { type: 'string', multiple: true },
  'ca-file': { type: 'string' },
  fingerprint: { type: 'string' },
  'bind-dn': { type: 'string' },
  'bind-password-file': { type: 'string' },
  directory: { type: 'string' },
  'base-dn': { type: 'string' },
  'include-ou': { type: 'string', multiple: true },
  'exclude-ou': { type: 'string', multiple: true },
  'sync-critical-objects': { type: 'boolean', default: false },
  'password-writeback': { type: 'boolean', default: false },
  'no-unlock': { type: 'boolean', default: false },
  'no-sync': { type: 'boolean', default: false },
  'install-service': { type: 'boolean', default: false },
  'systemd-root': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const SETUP_HELP = `usage: ferry-agent setup [--yes] [options]
The setup wizard: asks for the cloud and its enrollment token, the domain controllers (shows
each DC certificate's subject, names and SHA-256 fingerprint, and explains a host name the
certificate does not hold before it fails), the service account (the bind is tested at once),
the base DN and the OUs to sync (critical system objects left out), the dialect (detected
from the rootDSE: Active Directory or OpenLDAP) and the optional features; shows a summary,
then writes the config file (mode 0600, the password in a file beside it), enrolls, and
installs and starts a systemd unit when asked. Every question has its flag; --yes takes the
flags (and the defaults) as the answers and asks nothing.
  --yes, -y                  ask nothing: the flags are the answers (for automation)
  --cloud URL                the cloud's address
  --token-file FILE          file holding the one-time enrollment token (or --token TOKEN)
  --name NAME                the agent's name in the Admin center (default: this host's name)
  --dc HOST|URL              a domain controller (repeat for several; ldaps://, port 636)
  --ca-file FILE             PEM file of the CA that signed the DC certificates
  --fingerprint SHA256       the first DC certificate's expected SHA-256 fingerprint
  --bind-dn DN               the service account
  --bind-password-file FILE  its password (copied to bind-password beside the config file)
  --directory ad|openldap    the dialect (default: detected from the rootDSE)
  --base-dn DN               where users are found (default: the domain / naming context)
  --include-ou DN            an OU to sync (repeat; none: the whole base DN)
  --exclude-ou DN            an OU left out (repeat)
  --sync-critical-objects    also sync Administrator, krbtgt, Guest, ... (AD)
  --password-writeback       tick "Password writeback" (writes resets, changes, unlocks to AD)
  --no-unlock                untick "Unlock without a password reset"
  --no-sync                  untick "Sync the directory into the cloud"
  --install-service          write the systemd unit ferry-agent.service and start it
  --systemd-root DIR         write the unit under DIR instead of / and start nothing
  --config FILE              the config file to write (default FERRY_AGENT_CONFIG, else
                             /etc/ferry/agent.yaml)
  --state-dir DIR            the agent's state folder (default FERRY_AGENT_STATE_DIR, else
                             /var/lib/ferry-agent)`;

/** What the wizard settled on: the config file's content, and what to do with it. */
export interface SetupAnswers {
  readonly cloudUrl: string;
  readonly token: string;
  readonly name: string;
  readonly dialect: 'ad' | 'openldap';
  readonly ldapUrls: readonly string[];
  readonly caFile: string | undefined;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly baseDn: string;
  readonly includeOus: readonly string[];
  readonly excludeOus: readonly string[];
  readonly syncCriticalObjects: boolean;
  readonly passwordWriteback: boolean;
  readonly accountUnlock: boolean;
  readonly sync: boolean;
}

/** A DC as typed: a host name, host:port, or an ldaps:// URL; always an ldaps:// URL back. */
export function dcUrl(typed: string): string {
  const text = typed.trim();
  if (/^ldap:\/\//i.test(text))
    throw new Error('only ldaps:// is allowed: passwords never cross the network in clear');
  const url = new URL(/^ldaps:\/\//i.test(text) ? text : `ldaps://${text}`);
  if (url.protocol !== 'ldaps:' || !url.hostname) throw new Error(`not a DC address: ${typed}`);
  return `ldaps://${url.hostname}:${url.port || '636'}`;
}

/** The answer's problem, or undefined: the prompter's validators. */
export function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
