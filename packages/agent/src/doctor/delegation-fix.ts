import {
  delegationPlan,
  sambaToolLine,
  type GrantId,
  type MarkerAttribute,
} from '../delegation/delegation-plan.js';

export interface AccountFacts {
  readonly dn: string;
  readonly sid: string;
  /** NETBIOS\sAMAccountName, as dsacls wants it. */
  readonly logonName: string;
}

export interface DirectoryFacts {
  readonly domainDn: string;
  readonly ldapUrl: string;
  readonly userOus: readonly string[];
  readonly account: AccountFacts;
  /** The write-marker attribute, when the schema has it. */
  readonly marker?: MarkerAttribute | undefined;
}

/** The exact lines that grant one right: Windows (dsacls, PowerShell) and Samba, per object. */
export function grantFix(facts: DirectoryFacts, id: GrantId): string {
  const grants = delegationPlan(facts.domainDn, facts.userOus, facts.marker).filter(
    (grant) => grant.id === id,
  );
  const lines = [
    'Windows (dsacls):',
    ...grants.map((grant) => `  ${grant.dsacls(facts.account.logonName)}`),
    'Windows (PowerShell, AD module):',
    ...grants.map((grant) => `  ${grant.powershell(facts.account.logonName)}`),
    'Samba:',
    ...grants.map((grant) => `  ${sambaToolLine(grant, facts.account.sid, facts.ldapUrl)}`),
    'or all rights at once, with domain admin credentials: ferry-agent delegate --apply',
  ];
  return lines.join('\n');
}
