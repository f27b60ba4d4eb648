import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { loadAgentConfig } from '../config/agent-config.js';
import { applyDelegation } from '../delegation/apply-delegation.js';
import { delegationPlan, sambaToolLine } from '../delegation/delegation-plan.js';
import { readRootDse } from '../directory/ad/root-dse.js';
import { readAttributeGuid } from '../directory/ad/schema-guid.js';
import { readAccount } from '../doctor/account-facts.js';
import { SyncScope } from '../sync/sync-scope.js';
import { COMMON_HELP, commandEnv, parseCommandArgs, type AgentCommand } from './command.js';
import { UsageError } from './usage-error.js';

export const delegateCommand: AgentCommand = {
  name: 'delegate',
  summary: "print (or --apply) the service account's least-privilege rights",
  help: `usage: ferry-agent delegate [--apply --admin-dn DN --admin-password-file FILE]
Prints the exact rights the service account (bindDn) needs on the OUs in scope (with write on
the write-marker attribute, writebackMarker), the domain root, the Password Settings Container
and Deleted Objects: dsacls and PowerShell lines for
Windows AD, samba-tool dsacl lines for Samba. With --apply and a domain admin's credentials
it adds them itself (existing rights are kept; nothing else changes).
  --apply                    grant the rights now
  --admin-dn DN              a domain admin (only with --apply)
  --admin-password-file FILE that admin's password (only with --apply; never on the command line)
${COMMON_HELP}`,
  async run(args) {
    const { values } = parseCommandArgs(args, {
      apply: { type: 'boolean', default: false },
      'admin-dn': { type: 'string' },
      'admin-password-file': { type: 'string' },
    });
    if (values.apply && (!values['admin-dn'] || !values['admin-password-file']))
      throw new UsageError('--apply needs --admin-dn and --admin-password-file');
    const config = loadAgentConfig(commandEnv(values));
    const url = config.ldapUrls[0]!;
    const client = new Client({
      url,
      timeout: config.ldapTimeoutMs,
      tlsOptions: config.ldapCaFile ? { ca: readFileSync(config.ldapCaFile) } : {},
    });
    try {
      if (values.apply) {
        const password = readFileSync(values['admin-password-file']!, 'utf8').trim();
        await client.bind(values['admin-dn']!, password);
      } else {
        await client.bind(config.bindDn, config.bindPassword);
      }
      const domainDn = (await readRootDse(client)).defaultNamingContext;
      const { account } = await readAccount(client, config.bindDn, domainDn);
      const ous = new SyncScope(config.baseDn, config.syncIncludeOus, config.syncExcludeOus)
        .searchBases;
      const markerGuid = await readAttributeGuid(client, config.writebackMarker);
      if (!markerGuid) {
        console.log(
          `warning: the schema has no attribute ${config.writebackMarker} (writebackMarker): no right to write it is printed or granted; choose an attribute your schema has`,
        );
      }
      const marker = markerGuid ? { name: config.writebackMarker, guid: markerGuid } : undefined;
      const plan = delegationPlan(domainDn, ous, marker);
      if (values.apply) {
        const outcomes = await applyDelegation(client, plan, account.sid);
        for (const { grant, outcome } of outcomes) {
          if (outcome === 'unreachable') {
            console.log(
              `NOT granted (its DACL is not readable over LDAP, even by an admin): ${grant.title}\n` +
                `  Windows: ${grant.dsacls(account.logonName)}\n` +
                `  Samba: on the DC, as root, add ${grant.sddl(account.sid)} to its DACL with Samba's local tools (samba-tool dsacl cannot reach it)`,
            );
          } else {
            console.log(`${outcome === 'added' ? 'granted' : 'already held'}: ${grant.title}`);
          }
        }
        console.log('check with: ferry-agent doctor');
        if (outcomes.some(({ outcome }) => outcome === 'unreachable')) process.exitCode = 1;
        return;
      }
      console.log(`Rights for ${account.logonName} (${account.sid}):\n`);
      for (const grant of plan) {
        console.log(`# ${grant.title}`);
        console.log(`  Windows (dsacls):     ${grant.dsacls(account.logonName)}`);
        console.log(`  Windows (PowerShell): ${grant.powershell(account.logonName)}`);
        console.log(`  Samba:                ${sambaToolLine(grant, account.sid, url)}\n`);
      }
      console.log(
        'To grant them all: ferry-agent delegate --apply --admin-dn DN --admin-password-file FILE',
      );
    } finally {
      await client.unbind().catch(() => undefined);
    }
  },
};
