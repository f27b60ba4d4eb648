import { escapeFilter } from 'ldapts';

/**
 * Users, not computers (both have objectClass=user; only people have objectCategory=person).
 * uSNChanged comes first: Samba does not index ranges, and testing it first halves the scan.
 */
const PEOPLE = '(objectCategory=person)(objectClass=user)';

/** Live users in scope (the extra filter applied), optionally changed since `fromUsn`. */
export function scopedUserFilter(extra: string | undefined, fromUsn?: bigint): string {
  const changed = fromUsn === undefined ? '' : `(uSNChanged>=${fromUsn})`;
  return `(&${changed}${PEOPLE}${extra ?? ''})`;
}

/**
 * Live users and groups anywhere in the domain changed since `fromUsn` (inclusive): one scan
 * serves both, since Samba scans every object for a uSNChanged range.
 */
export function changedObjectsFilter(fromUsn: bigint): string {
  return `(&(uSNChanged>=${fromUsn})(|(&${PEOPLE})(objectCategory=group)))`;
}

/** Users in scope (the extra filter applied) that are direct members of any of `groupDns`. */
export function membersFilter(extra: string | undefined, groupDns: readonly string[]): string {
  const any = groupDns.map((dn) => escapeFilter`(memberOf=${dn})`).join('');
  return `(&${PEOPLE}(|${any})${extra ?? ''})`;
}

/**
 * Deleted users and groups since `fromUsn` (read with the Show Deleted control). A tombstone
 * loses objectCategory, so computers are excluded by class instead.
 */
export function tombstoneFilter(fromUsn: bigint): string {
  return (
    `(&(uSNChanged>=${fromUsn})(isDeleted=TRUE)` +
    `(|(objectClass=user)(objectClass=group))(!(objectClass=computer)))`
  );
}
