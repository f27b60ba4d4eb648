import type { Client, Entry } from 'ldapts';
import { cannotChangePassword } from '../directory/ad/ad-rights.js';
import { SdFlagsControl } from '../directory/ad/sd-flags-control.js';
import { parseDacl, type Ace } from '../directory/ad/security-descriptor.js';
import { SyncScope } from '../sync/sync-scope.js';

export interface ScopedUser {
  readonly dn: string;
  readonly aces: readonly Ace[];
  readonly protectedUser: boolean;
  readonly critical: boolean;
  readonly cannotChange: boolean;
}

/** Enough to judge rights in a large domain without reading it all on every run. */
export const SCAN_LIMIT = 5_000;

/** Every user in the agent's scope, with its DACL, as the service account sees them. */
export async function scanScope(
  client: Client,
  scope: { baseDn: string; includeOus: readonly string[]; excludeOus: readonly string[] },
): Promise<{ users: ScopedUser[]; truncated: boolean; searchBases: readonly string[] }> {
  const syncScope = new SyncScope(scope.baseDn, scope.includeOus, scope.excludeOus);
  const users: ScopedUser[] = [];
  let truncated = false;
  for (const base of syncScope.searchBases) {
    const { searchEntries } = await client.search(
      base,
      {
        scope: 'sub',
        filter: '(&(objectCategory=person)(objectClass=user))',
        attributes: ['adminCount', 'isCriticalSystemObject', 'nTSecurityDescriptor'],
        explicitBufferAttributes: ['nTSecurityDescriptor'],
        paged: { pageSize: 500 },
        sizeLimit: 0,
      },
      [new SdFlagsControl()],
    );
    for (const entry of searchEntries) {
      if (!syncScope.contains(entry.dn)) continue;
      if (users.length >= SCAN_LIMIT) {
        truncated = true;
        break;
      }
      users.push(toScopedUser(entry));
    }
  }
  return { users, truncated, searchBases: syncScope.searchBases };
}

function toScopedUser(entry: Entry): ScopedUser {
  const sd = entry['nTSecurityDescriptor'];
  const bytes = Array.isArray(sd) ? (sd[0] as Buffer | undefined) : (sd as Buffer | undefined);
  const aces = bytes && bytes.length >= 20 ? parseDacl(bytes) : [];
  return {
    dn: entry.dn,
    aces,
    protectedUser: String(entry['adminCount'] ?? '') === '1',
    critical: String(entry['isCriticalSystemObject'] ?? '').toUpperCase() === 'TRUE',
    cannotChange: cannotChangePassword(aces),
  };
}

/** Up to `max` DNs for evidence, with "and N more". */
export function someOf(dns: readonly string[], max = 5): string {
  const shown = dns.slice(0, max).join('; ');
  return dns.length > max ? `${shown}; and ${dns.length - max} more` : shown;
}
