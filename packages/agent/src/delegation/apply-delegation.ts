import type { Client } from 'ldapts';
import { ACE_FLAG, type Ace } from '../directory/ad/security-descriptor.js';
import { readDacl, writeExplicitDacl } from '../directory/ad/read-dacl.js';
import type { Grant } from './delegation-plan.js';

export type GrantOutcome = 'added' | 'present' | 'unreachable';

function sameAce(a: Ace, b: Ace): boolean {
  return (
    a.type === b.type &&
    a.flags === b.flags &&
    a.mask === b.mask &&
    a.sid === b.sid &&
    a.objectType === b.objectType &&
    a.inheritedObjectType === b.inheritedObjectType
  );
}

/**
 * Adds each grant's ACE to its object's DACL, bound as a domain admin. Only explicit ACEs are
 * written back (the DC recomputes the inherited ones); a grant already present is left alone;
 * an object whose DACL the admin cannot read over LDAP is reported, not written.
 */
export async function applyDelegation(
  admin: Client,
  grants: readonly Grant[],
  sid: string,
): Promise<{ grant: Grant; outcome: GrantOutcome }[]> {
  const outcomes: { grant: Grant; outcome: GrantOutcome }[] = [];
  for (const grant of grants) {
    const wanted = grant.ace(sid);
    let aces: Ace[];
    try {
      aces = await readDacl(admin, grant.objectDn);
    } catch {
      // Deleted Objects: even a domain admin must take ownership first (dsacls /takeownership
      // on Windows; on Samba only local tools reach it). Writing blind would drop its DACL.
      outcomes.push({ grant, outcome: 'unreachable' });
      continue;
    }
    const explicit = aces.filter((ace) => (ace.flags & ACE_FLAG.inherited) === 0);
    if (explicit.some((ace) => sameAce(ace, wanted))) {
      outcomes.push({ grant, outcome: 'present' });
      continue;
    }
    await writeExplicitDacl(admin, grant.objectDn, [...explicit, wanted]);
    outcomes.push({ grant, outcome: 'added' });
  }
  return outcomes;
}
