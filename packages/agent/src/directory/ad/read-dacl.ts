import { Attribute, Change, type Client, type Control } from 'ldapts';
import { ShowDeletedControl } from '../../sync/sync-controls.js';
import { SdFlagsControl } from './sd-flags-control.js';
import { daclDescriptor, parseDacl, type Ace } from './security-descriptor.js';

// Deleted Objects is visible only with the Show Deleted control.
function controlsFor(dn: string): Control[] {
  return /^CN=Deleted Objects,/i.test(dn)
    ? [new SdFlagsControl(), new ShowDeletedControl()]
    : [new SdFlagsControl()];
}

/** An object's DACL, read with the SD flags control (a non-admin may read the DACL alone). */
export async function readDacl(client: Client, dn: string): Promise<Ace[]> {
  const { searchEntries } = await client.search(
    dn,
    {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['nTSecurityDescriptor'],
      explicitBufferAttributes: ['nTSecurityDescriptor'],
    },
    controlsFor(dn),
  );
  const value = searchEntries[0]?.['nTSecurityDescriptor'];
  const bytes = Array.isArray(value)
    ? (value[0] as Buffer | undefined)
    : (value as Buffer | undefined);
  if (!bytes || bytes.length < 20)
    throw new Error(`the security descriptor of ${dn} is not readable`);
  return parseDacl(bytes);
}

/** Writes an object's explicit ACEs (the DC adds the inherited ones again itself). */
export async function writeExplicitDacl(
  client: Client,
  dn: string,
  aces: readonly Ace[],
): Promise<void> {
  const change = new Change({
    operation: 'replace',
    modification: new Attribute({ type: 'nTSecurityDescriptor', values: [daclDescriptor(aces)] }),
  });
  await client.modify(dn, change, controlsFor(dn));
}
