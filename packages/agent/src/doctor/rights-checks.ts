import type { Client } from 'ldapts';
import { AD_GUIDS, hasRight } from '../directory/ad/ad-rights.js';
import { readDacl } from '../directory/ad/read-dacl.js';
import { ACCESS } from '../directory/ad/security-descriptor.js';
import type { GrantId } from '../delegation/delegation-plan.js';
import { check, type CheckResult } from './doctor-check.js';
import { grantFix, type DirectoryFacts } from './delegation-fix.js';
import { someOf, type ScopedUser } from './scope-scan.js';

/** allowedAttributesEffective is computed per object by the DC: read it on a sample. */
const ATTRIBUTE_SAMPLE = 20;

function rightCheck(
  facts: DirectoryFacts,
  id: GrantId,
  title: string,
  missing: readonly string[],
  checked: number,
  how: string,
): CheckResult {
  return check(
    `right_${id}`,
    title,
    missing.length === 0 ? 'pass' : 'fail',
    missing.length === 0
      ? `held on all ${checked} users checked (${how})`
      : `missing on ${missing.length} of ${checked} users checked (${how}): ${someOf(missing)}`,
    grantFix(facts, id),
  );
}

/** Reset/Change Password from each user's DACL; lockoutTime/pwdLastSet from the DC itself. */
export async function userRightsChecks(
  client: Client,
  facts: DirectoryFacts,
  users: readonly ScopedUser[],
  tokenSids: ReadonlySet<string>,
): Promise<CheckResult[]> {
  const lacking = (guid: string, among: readonly ScopedUser[]): string[] =>
    among
      .filter((user) => !hasRight(user.aces, tokenSids, ACCESS.controlAccess, guid))
      .map((user) => user.dn);
  const changeable = users.filter((user) => !user.cannotChange);
  const sample = users.slice(0, ATTRIBUTE_SAMPLE);
  const writable = new Map<string, Set<string>>();
  for (const user of sample) {
    const { searchEntries } = await client.search(user.dn, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['allowedAttributesEffective'],
    });
    const value = searchEntries[0]?.['allowedAttributesEffective'] ?? [];
    writable.set(
      user.dn,
      new Set(
        ([] as string[]).concat(value as string | string[]).map((name) => name.toLowerCase()),
      ),
    );
  }
  const cannotWrite = (attribute: string): string[] =>
    sample.filter((user) => !writable.get(user.dn)?.has(attribute.toLowerCase())).map((u) => u.dn);
  const dacl = 'read from nTSecurityDescriptor against the account and its tokenGroups';
  const effective = `allowedAttributesEffective on ${sample.length} users`;
  return [
    rightCheck(
      facts,
      'reset_password',
      'Reset Password on users in scope',
      lacking(AD_GUIDS.resetPassword, users),
      users.length,
      dacl,
    ),
    rightCheck(
      facts,
      'change_password',
      'Change Password on users in scope',
      lacking(AD_GUIDS.changePassword, changeable),
      changeable.length,
      `${dacl}; users who cannot change their password are listed apart`,
    ),
    rightCheck(
      facts,
      'write_lockout_time',
      'Write lockoutTime on users in scope (unlock)',
      cannotWrite('lockoutTime'),
      sample.length,
      effective,
    ),
    rightCheck(
      facts,
      'write_pwd_last_set',
      'Write pwdLastSet on users in scope',
      cannotWrite('pwdLastSet'),
      sample.length,
      effective,
    ),
    ...(facts.marker
      ? [
          rightCheck(
            facts,
            'write_marker',
            `Write ${facts.marker.name} on users in scope (the write marker, ADR 0011)`,
            cannotWrite(facts.marker.name),
            sample.length,
            `${effective}; every password write swaps it in the same modify, so a write is never applied twice`,
          ),
        ]
      : []),
  ];
}

/** The configured write-marker attribute is not in the forest's schema: no write can succeed. */
export function markerMissingCheck(attribute: string): CheckResult {
  return check(
    'right_write_marker',
    `Write ${attribute} on users in scope (the write marker, ADR 0011)`,
    'fail',
    `the schema has no attribute ${attribute} (read from the schema naming context)`,
    'Set writebackMarker (FERRY_AGENT_WRITEBACK_MARKER) to a free single-valued user attribute of your schema: the default msDS-cloudExtensionAttribute20 exists from the Windows Server 2012 schema on.',
  );
}

/** Unexpire Password is granted on the domain root (not per user). */
export async function unexpireCheck(
  client: Client,
  facts: DirectoryFacts,
  tokenSids: ReadonlySet<string>,
): Promise<CheckResult> {
  const aces = await readDacl(client, facts.domainDn).catch(() => undefined);
  const held =
    aces !== undefined &&
    hasRight(aces, tokenSids, ACCESS.controlAccess, AD_GUIDS.unexpirePassword);
  return check(
    'right_unexpire_password',
    'Unexpire Password on the domain root',
    held ? 'pass' : 'fail',
    held
      ? `granted on ${facts.domainDn} (read from its nTSecurityDescriptor)`
      : `not granted to ${facts.account.logonName} on ${facts.domainDn}${aces ? '' : ' (its security descriptor is not readable)'}`,
    grantFix(facts, 'unexpire_password'),
  );
}
