import type { Client } from 'ldapts';
import { guidBytesToString } from './ad-guid.js';

/**
 * The schemaIDGUID of an attribute, read from the forest's schema (an ACE that grants write
 * on one attribute names it by this GUID); undefined when the schema has no such attribute.
 */
export async function readAttributeGuid(
  client: Client,
  ldapDisplayName: string,
): Promise<string | undefined> {
  const { searchEntries: root } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['schemaNamingContext'],
  });
  const schemaDn = root[0]?.['schemaNamingContext'];
  if (typeof schemaDn !== 'string') return undefined;
  const { searchEntries } = await client.search(schemaDn, {
    scope: 'one',
    filter: `(&(objectClass=attributeSchema)(lDAPDisplayName=${ldapDisplayName}))`,
    attributes: ['schemaIDGUID'],
    explicitBufferAttributes: ['schemaIDGUID'],
  });
  const bytes = searchEntries[0]?.['schemaIDGUID'];
  return Buffer.isBuffer(bytes) && bytes.length === 16 ? guidBytesToString(bytes) : undefined;
}
