import type { Client } from 'ldapts';
import { AUTHENTICATED_USERS, EVERYONE } from '../directory/ad/ad-rights.js';
import { sidToString } from '../directory/ad/security-descriptor.js';
import type { AccountFacts } from './delegation-fix.js';

/** The bound account's SID, its groups' SIDs (tokenGroups) and its logon name, read as itself. */
export async function readAccount(
  client: Client,
  dn: string,
  domainDn: string,
): Promise<{ account: AccountFacts; tokenSids: Set<string> }> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['objectSid', 'tokenGroups', 'sAMAccountName'],
    explicitBufferAttributes: ['objectSid', 'tokenGroups'],
  });
  const entry = searchEntries[0];
  if (!entry) throw new Error(`the service account ${dn} cannot read itself`);
  const sid = sidToString(entry['objectSid'] as Buffer);
  const groups = ([] as Buffer[]).concat((entry['tokenGroups'] as Buffer | Buffer[]) ?? []);
  const netbios = /^DC=([^,]+)/i.exec(domainDn)?.[1]?.toUpperCase() ?? 'DOMAIN';
  return {
    account: { dn, sid, logonName: `${netbios}\\${String(entry['sAMAccountName'])}` },
    tokenSids: new Set([
      sid,
      ...groups.map((group) => sidToString(group)),
      EVERYONE,
      AUTHENTICATED_USERS,
    ]),
  };
}
