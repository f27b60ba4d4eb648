import type { Client } from 'ldapts';
import { BULK_USER_PASSWORD, bulkAccountName, type BulkResult } from '../bulk-users.js';
import { addEntry, labClient } from '../lab-ldap.js';
import type { OpenLdapLabState } from './openldap-state.js';
import { OPENLDAP_MAIL_DOMAIN } from './openldap-users.js';

/**
 * bulk000001..bulkN under ou=bulk, as the AD lab's generator: several connections at once,
 * users already there counted rather than re-created.
 */
export async function generateOpenLdapBulkUsers(
  state: OpenLdapLabState,
  count: number,
  log: (line: string) => void,
  options: { readonly withPasswords?: boolean; readonly connections?: number } = {},
): Promise<BulkResult> {
  const started = performance.now();
  let next = 1;
  let created = 0;
  let existing = 0;
  const worker = async (): Promise<void> => {
    const client = labClient(state.ldapsUrl, state.caFile, 30_000);
    await client.bind(state.admin.dn, state.admin.password);
    try {
      for (let index = next++; index <= count; index = next++) {
        if (await addBulkUser(client, state, index, options.withPasswords ?? false)) created += 1;
        else existing += 1;
        if ((created + existing) % 1000 === 0) log(`bulk users: ${created + existing}/${count}`);
      }
    } finally {
      await client.unbind();
    }
  };
  const connections = Math.min(options.connections ?? 4, count);
  await Promise.all(Array.from({ length: connections }, worker));
  return { created, existing, seconds: (performance.now() - started) / 1000 };
}

async function addBulkUser(
  client: Client,
  state: OpenLdapLabState,
  index: number,
  withPassword: boolean,
): Promise<boolean> {
  const uid = bulkAccountName(index);
  try {
    await addEntry(client, `uid=${uid},${state.ous.bulk}`, {
      objectClass: ['inetOrgPerson'],
      uid,
      cn: uid,
      sn: `Bulk ${index}`,
      givenName: 'Bulk',
      displayName: `Bulk ${index}`,
      mail: `${uid}@${OPENLDAP_MAIL_DOMAIN}`,
      ...(withPassword ? { userPassword: BULK_USER_PASSWORD } : {}),
    });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 68) return false;
    throw error;
  }
}
