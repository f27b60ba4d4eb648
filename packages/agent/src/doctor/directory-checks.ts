import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import type { AgentConfig } from '../config/agent-config.js';
import { readRootDse } from '../directory/ad/root-dse.js';
import { readAttributeGuid } from '../directory/ad/schema-guid.js';
import { readAccount } from './account-facts.js';
import { check, type CheckResult } from './doctor-check.js';
import type { DirectoryFacts } from './delegation-fix.js';
import { minimumAgeChecks, policyHintsCheck, readAccessChecks } from './policy-checks.js';
import { markerMissingCheck, userRightsChecks, unexpireCheck } from './rights-checks.js';
import { scanScope, someOf } from './scope-scan.js';
import { certificateChecks } from './tls-probe.js';
import { openLdapChecks } from './openldap-checks.js';

export type DirectorySettings = Pick<
  AgentConfig,
  | 'ldapUrls'
  | 'ldapCaFile'
  | 'bindDn'
  | 'bindPassword'
  | 'baseDn'
  | 'ldapTimeoutMs'
  | 'syncIncludeOus'
  | 'syncExcludeOus'
  | 'syncCriticalObjects'
  | 'writebackMarker'
  | 'directory'
  | 'ppolicyDefaultDn'
  | 'sync'
  | 'syncAccesslogDn'
>;

/** Every directory check, read from the DCs as the service account. */
export async function directoryChecks(config: DirectorySettings): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let usableUrl: string | undefined;
  for (const url of config.ldapUrls) {
    const probe = await certificateChecks(url, config.ldapCaFile, config.ldapTimeoutMs);
    results.push(...probe.results);
    usableUrl ??= probe.usable ? url : undefined;
  }
  if (!usableUrl) return results;
  const client = new Client({
    url: usableUrl,
    timeout: config.ldapTimeoutMs,
    connectTimeout: config.ldapTimeoutMs,
    tlsOptions: config.ldapCaFile ? { ca: readFileSync(config.ldapCaFile) } : {},
  });
  try {
    try {
      await client.bind(config.bindDn, config.bindPassword);
    } catch (error) {
      results.push(
        check(
          'bind',
          'Service account binds',
          'fail',
          `bind as ${config.bindDn} on ${usableUrl} failed: ${(error as Error).message}`,
          'Check bindDn and the password in bindPasswordFile (data 52e: wrong password; 533: disabled; 775: locked out; 532: expired).',
        ),
      );
      return results;
    }
    results.push(
      check('bind', 'Service account binds', 'pass', `bound as ${config.bindDn} on ${usableUrl}`),
    );
    if (config.directory === 'openldap')
      return [...results, ...(await openLdapChecks(client, config))];
    const rootDse = await readRootDse(client);
    const domainDn = rootDse.defaultNamingContext;
    const { account, tokenSids } = await readAccount(client, config.bindDn, domainDn);
    const scan = await scanScope(client, {
      baseDn: config.baseDn,
      includeOus: config.syncIncludeOus,
      excludeOus: config.syncExcludeOus,
    });
    const markerGuid = await readAttributeGuid(client, config.writebackMarker).catch(
      () => undefined,
    );
    const facts: DirectoryFacts = {
      domainDn,
      ldapUrl: usableUrl,
      userOus: scan.searchBases,
      account,
      marker: markerGuid ? { name: config.writebackMarker, guid: markerGuid } : undefined,
    };
    const managed = scan.users.filter((user) => config.syncCriticalObjects || !user.critical);
    results.push(
      check(
        'users_in_scope',
        'Users in scope',
        managed.length > 0 ? 'pass' : 'warn',
        `${managed.length} users under ${scan.searchBases.join('; ')}${scan.truncated ? ' (the first 5,000 checked)' : ''}`,
        'Check baseDn and syncIncludeOus: they must hold the users SSPR serves.',
      ),
    );
    results.push(...(await userRightsChecks(client, facts, managed, tokenSids)));
    if (!facts.marker) results.push(markerMissingCheck(config.writebackMarker));
    results.push(await unexpireCheck(client, facts, tokenSids));
    results.push(...(await readAccessChecks(client, facts, tokenSids)));
    results.push(...(await minimumAgeChecks(client, facts)));
    results.push(policyHintsCheck(rootDse, usableUrl));
    const protectedUsers = managed.filter((user) => user.protectedUser).map((user) => user.dn);
    results.push(
      check(
        'protected_users',
        'Protected users (adminCount=1) in scope',
        protectedUsers.length > 0 ? 'warn' : 'pass',
        protectedUsers.length > 0
          ? `${protectedUsers.length}: ${someOf(protectedUsers, 20)}. AD's SDProp replaces their permissions with AdminSDHolder's every hour, so delegated rights do not reach them and writeback fails for them`
          : 'none',
        'Keep administrators out of SSPR scope (move them to an excluded OU: syncExcludeOus), or grant the rights on CN=AdminSDHolder,CN=System,<domain> (not recommended).',
      ),
    );
    const cannotChange = managed.filter((user) => user.cannotChange).map((user) => user.dn);
    results.push(
      check(
        'cannot_change_password',
        'Users who cannot change their password',
        cannotChange.length > 0 ? 'warn' : 'pass',
        cannotChange.length > 0
          ? `${cannotChange.length} ("User cannot change password": Change Password denied to Everyone/Self): ${someOf(cannotChange, 20)}. Their self-service change fails; admin reset still works`
          : 'none',
        'Clear "User cannot change password" on these accounts (Active Directory Users and Computers > Account) if they should use self-service change.',
      ),
    );
    const critical = scan.users.filter((user) => user.critical).map((user) => user.dn);
    results.push(
      check(
        'critical_objects_in_scope',
        'Critical system objects in scope',
        config.syncCriticalObjects && critical.length > 0 ? 'warn' : 'pass',
        critical.length === 0
          ? 'none'
          : `${critical.length} (isCriticalSystemObject): ${someOf(critical, 10)}; ${config.syncCriticalObjects ? 'synced because syncCriticalObjects is true' : 'left out of sync'}`,
        'Set syncCriticalObjects: false (the default) so Administrator, krbtgt and Guest stay out of the cloud.',
      ),
    );
    return results;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}
