import type { Client } from 'ldapts';
import {
  readDomainPolicy,
  readPasswordSettingsObject,
} from '../directory/ad/ad-password-policy.js';
import type { RootDse } from '../directory/ad/root-dse.js';
import { hasRight } from '../directory/ad/ad-rights.js';
import { ACCESS } from '../directory/ad/security-descriptor.js';
import { readDacl } from '../directory/ad/read-dacl.js';
import { tombstonesReadable } from '../sync/dc-mark.js';
import { check, type CheckResult } from './doctor-check.js';
import { grantFix, type DirectoryFacts } from './delegation-fix.js';

const GPO_PATH =
  'Group Policy Management > Default Domain Policy > Computer Configuration > Policies > Windows Settings > Security Settings > Account Policies > Password Policy > Minimum password age = 0 days';

function days(seconds: number): string {
  return `${+(seconds / 86_400).toFixed(2)} day(s)`;
}

/** Entra's Step 4: a minimum age above 0 stops a user from resetting twice in a day. */
export async function minimumAgeChecks(
  client: Client,
  facts: DirectoryFacts,
): Promise<CheckResult[]> {
  const domain = await readDomainPolicy(client, facts.domainDn);
  const results = [
    check(
      'min_password_age',
      'Domain minimum password age is 0',
      domain.minAgeSeconds > 0 ? 'warn' : 'pass',
      `minPwdAge on ${facts.domainDn}: ${days(domain.minAgeSeconds)}${domain.minAgeSeconds > 0 ? ': a user who reset or changed a password cannot change it again (nor reset it through SSPR with history enforced) until then' : ''}`,
      [
        `Windows: ${GPO_PATH}; then gpupdate /force on the DCs`,
        `Samba: samba-tool domain passwordsettings set --min-pwd-age=0`,
      ].join('\n'),
    ),
  ];
  const container = `CN=Password Settings Container,CN=System,${facts.domainDn}`;
  let psoDns: string[] = [];
  try {
    const { searchEntries } = await client.search(container, {
      scope: 'one',
      filter: '(objectClass=msDS-PasswordSettings)',
      attributes: ['cn'],
    });
    psoDns = searchEntries.map((entry) => entry.dn);
  } catch {
    // Not readable: the PSO-container check says so with its fix.
  }
  const young: string[] = [];
  const fixes: string[] = [];
  for (const dn of psoDns) {
    const pso = await readPasswordSettingsObject(client, dn).catch(() => undefined);
    if (!pso || pso.minAgeSeconds <= 0) continue;
    const name = pso.source.kind === 'fine_grained' ? pso.source.name : dn;
    young.push(`${name}: ${days(pso.minAgeSeconds)}`);
    fixes.push(
      `Windows: Set-ADFineGrainedPasswordPolicy -Identity "${name}" -MinPasswordAge 0`,
      `Samba: samba-tool domain passwordsettings pso set "${name}" --min-pwd-age=0`,
    );
  }
  results.push(
    check(
      'pso_min_password_age',
      'Fine-grained policies with a minimum age above 0',
      young.length > 0 ? 'warn' : 'pass',
      young.length > 0
        ? `${young.length} of ${psoDns.length} fine-grained policies: ${young.join('; ')}`
        : `none of ${psoDns.length} readable fine-grained policies sets a minimum age`,
      fixes.join('\n'),
    ),
  );
  return results;
}

export async function readAccessChecks(
  client: Client,
  facts: DirectoryFacts,
  tokenSids: ReadonlySet<string>,
): Promise<CheckResult[]> {
  const container = `CN=Password Settings Container,CN=System,${facts.domainDn}`;
  const aces = await readDacl(client, container).catch(() => undefined);
  // List Contents and Read Property, read from the container's own DACL.
  const psoReadable =
    aces !== undefined &&
    hasRight(aces, tokenSids, ACCESS.listChildren) &&
    hasRight(aces, tokenSids, ACCESS.readProperty);
  const deletedReadable = await tombstonesReadable(client, facts.domainDn).catch(() => false);
  return [
    check(
      'read_pso_container',
      'Read the Password Settings Container',
      psoReadable ? 'pass' : 'fail',
      psoReadable
        ? `${container} is readable: users see their own fine-grained policy`
        : `${container}: List Contents and Read Property are not granted to ${facts.account.logonName}${aces ? '' : ' (its security descriptor is not readable)'}: users would be shown the domain policy instead of their fine-grained one`,
      grantFix(facts, 'read_pso_container'),
    ),
    check(
      'read_deleted_objects',
      'Read Deleted Objects (sync sees deletions)',
      deletedReadable ? 'pass' : 'fail',
      deletedReadable
        ? `CN=Deleted Objects,${facts.domainDn} is readable with the Show Deleted control`
        : `CN=Deleted Objects,${facts.domainDn} shows no attributes to the service account: users deleted in AD would stay in the cloud`,
      grantFix(facts, 'read_deleted_objects'),
    ),
  ];
}

export function policyHintsCheck(rootDse: RootDse, url: string): CheckResult {
  const supported = rootDse.capabilities.policyHints || rootDse.capabilities.policyHintsDeprecated;
  return check(
    'policy_hints',
    `Policy hints on the DC (${url})`,
    supported ? 'pass' : 'warn',
    supported
      ? `the DC advertises LDAP_SERVER_POLICY_HINTS: resets through Ferry enforce password history and minimum age, as in Entra`
      : `the DC (${rootDse.dnsHostName ?? url}) advertises neither 1.2.840.113556.1.4.2239 nor .2066: a reset through Ferry cannot enforce password history (a user may reset to a previous password); changes still do`,
    'Windows Server 2016 or later supports policy hints; Samba does not (nothing to change on the agent).',
  );
}
