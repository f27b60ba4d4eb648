#!/usr/bin/env node
import { labDown, labReset, labStatus, labUp } from './lab.js';
import { labPaths } from './lab-layout.js';
import { generateBulkUsers } from './bulk-users.js';
import type { LabState } from './lab-state.js';
import {
  generateOpenLdapBulkUsers,
  openLdapDown,
  openLdapReset,
  openLdapStatus,
  openLdapUp,
  type OpenLdapLabState,
} from './openldap/index.js';

const usage = `usage: npm run lab -- <command> [ad|openldap]
  up                 install if missing, provision, start and seed the lab directory (idempotent)
  down               stop the server process the lab started
  status             say whether the lab is provisioned, running and answering LDAPS
  reset              throw the lab directory away and build a new one
  users --count N [--with-passwords]
                     add N bulk users under the Bulk OU (for benchmarks), 1..100000
  The directory is Samba AD (ad, the default) or OpenLDAP slapd (openldap).`;

const log = (line: string): void => console.log(`lab: ${line}`);

function printSummary(state: LabState): void {
  const paths = labPaths();
  console.log(
    [
      `lab: ready — AD domain ${state.realm}, base DN ${state.baseDn}`,
      `  LDAPS        ${state.ldapsUrl}`,
      `  CA file      ${state.caFile}`,
      `  credentials  ${paths.stateFile} (mode 0600: admin, service account svc-ferry, fixture users)`,
      `  smb.conf     ${state.smbConf}  (samba-tool ... -s <smb.conf>)`,
      `  log          ${paths.logFile}`,
    ].join('\n'),
  );
}

function printOpenLdapSummary(state: OpenLdapLabState): void {
  const paths = labPaths();
  console.log(
    [
      `lab: ready — OpenLDAP, base DN ${state.baseDn}`,
      `  LDAPS        ${state.ldapsUrl}  (LDAP ${state.ldapUrl})`,
      `  CA file      ${state.caFile}`,
      `  credentials  ${paths.root}/openldap.json (mode 0600: admin, service account svc-ferry, fixture users)`,
      `  log          ${paths.root}/slapd.log`,
    ].join('\n'),
  );
}

type Dialect = 'ad' | 'openldap';

/** The directory named among the arguments (positional); AD when none is. */
function parseDialect(args: readonly string[]): Dialect {
  const positional = args.filter(
    (arg, index) => !arg.startsWith('--') && args[index - 1] !== '--count',
  );
  if (positional.length > 1) throw new UsageError(`too many arguments: ${positional.join(' ')}`);
  const [name] = positional;
  if (name === undefined || name === 'ad') return 'ad';
  if (name === 'openldap') return 'openldap';
  throw new UsageError(`unknown directory "${name}" (ad or openldap)`);
}

function parseCount(args: readonly string[]): number {
  const index = args.indexOf('--count');
  const raw = index >= 0 ? args[index + 1] : undefined;
  const count = Number(raw);
  if (raw === undefined || !Number.isInteger(count) || count < 1 || count > 100_000) {
    throw new UsageError(`--count needs a whole number from 1 to 100000 (got ${raw ?? 'nothing'})`);
  }
  return count;
}

class UsageError extends Error {}

async function main(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command && ['up', 'down', 'status', 'reset', 'users'].includes(command)) {
    if (parseDialect(rest) === 'openldap') return openLdapCommand(command, rest);
  }
  switch (command) {
    case 'up':
      printSummary(await labUp(log));
      return;
    case 'down':
      await labDown(log);
      return;
    case 'reset':
      printSummary(await labReset(log));
      return;
    case 'status': {
      const status = await labStatus();
      console.log(
        `lab: provisioned=${status.provisioned} running=${status.pid !== undefined}${status.pid ? ` (pid ${status.pid})` : ''} ldaps=${status.ldapsAnswers ? 'answers' : 'down'}`,
      );
      process.exitCode = status.ldapsAnswers ? 0 : 3;
      return;
    }
    case 'users': {
      const count = parseCount(rest);
      const state = await labUp(log);
      const result = await generateBulkUsers(state, count, log, {
        withPasswords: rest.includes('--with-passwords'),
      });
      log(
        `bulk users: ${result.created} created, ${result.existing} already there, in ${result.seconds.toFixed(1)} s`,
      );
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

async function openLdapCommand(command: string, rest: readonly string[]): Promise<void> {
  switch (command) {
    case 'up':
      printOpenLdapSummary(await openLdapUp(log));
      return;
    case 'down':
      await openLdapDown(log);
      return;
    case 'reset':
      printOpenLdapSummary(await openLdapReset(log));
      return;
    case 'status': {
      const status = await openLdapStatus();
      console.log(
        `lab: openldap provisioned=${status.provisioned} running=${status.pid !== undefined}${status.pid ? ` (pid ${status.pid})` : ''} ldaps=${status.ldapsAnswers ? 'answers' : 'down'}`,
      );
      process.exitCode = status.ldapsAnswers ? 0 : 3;
      return;
    }
    default: {
      const count = parseCount(rest);
      const state = await openLdapUp(log);
      const result = await generateOpenLdapBulkUsers(state, count, log, {
        withPasswords: rest.includes('--with-passwords'),
      });
      log(
        `bulk users: ${result.created} created, ${result.existing} already there, in ${result.seconds.toFixed(1)} s`,
      );
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`lab: ${error.message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  console.error(
    `lab: error [lab_unavailable]: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
