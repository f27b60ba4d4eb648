import { escapeFilter } from 'ldapts';

/**
 * Users, not computers (both have objectClass=user; only people have objectCategory=person).
 * uSNChanged comes first: Samba does not index ranges, and testing it first halves the scan.
 */
const PEOPLE = '(objectCategory=person)(objectClass=user)';

/** The USNs a delta reads: `from` (inclusive) up to `to`, the DC's mark (inclusive). */
export interface UsnSpan {
  readonly from: bigint;
  readonly to: bigint;
}

/** How a delta named the objects that changed (reported with the run). */
export type UsnLookup = 'usn_list' | 'usn_range';

/**
 * The clause that picks objects changed in `span`. Samba indexes uSNChanged for equality
 * only: a range (`uSNChanged>=n`) makes it load and test every object of the domain (0.4 s
 * at 11,000 users, seconds at 100,000, past the operation timeout on a busy DC), while an OR
 * of equalities is one index lookup per USN (a few ms). A DC numbers its commits one by one,
 * so a span of `listMax` USNs or fewer is read as the list of its values; a wider one (a
 * first delta after a long pause, a bulk change) as the range. Changes past `to` are read by
 * the next delta either way.
 */
export function usnClause(span: UsnSpan, listMax: number): { clause: string; lookup: UsnLookup } {
  const width = span.to - span.from + 1n;
  if (width < 1n || width > BigInt(listMax)) {
    return { clause: `(uSNChanged>=${span.from})`, lookup: 'usn_range' };
  }
  let values = '';
  for (let usn = span.from; usn <= span.to; usn += 1n) values += `(uSNChanged=${usn})`;
  return { clause: `(|${values})`, lookup: 'usn_list' };
}

/** Live users in scope (the extra filter applied), optionally only those `changed` picks. */
export function scopedUserFilter(extra: string | undefined, changed = ''): string {
  return `(&${changed}${PEOPLE}${extra ?? ''})`;
}

/**
 * Live users and groups anywhere in the domain that `changed` picks: one search serves both.
 */
export function changedObjectsFilter(changed: string): string {
  return `(&${changed}(|(&${PEOPLE})(objectCategory=group)))`;
}

/** Users in scope (the extra filter applied) that are direct members of any of `groupDns`. */
export function membersFilter(extra: string | undefined, groupDns: readonly string[]): string {
  const any = groupDns.map((dn) => escapeFilter`(memberOf=${dn})`).join('');
  return `(&${PEOPLE}(|${any})${extra ?? ''})`;
}

/**
 * Deleted users and groups that `changed` picks (read with the Show Deleted control). A
 * tombstone loses objectCategory, so computers are excluded by class instead.
 */
export function tombstoneFilter(changed: string): string {
  return (
    `(&${changed}(isDeleted=TRUE)` +
    `(|(objectClass=user)(objectClass=group))(!(objectClass=computer)))`
  );
}
