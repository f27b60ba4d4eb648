import type { Client } from 'ldapts';

/** The attribute id of unicodePwd in AD's replication metadata (1.2.840.113556.1.4.90). */
const UNICODE_PWD_ATTID = 0x0009005a;
const HEADER_BYTES = 16;
const ENTRY_BYTES = 48;

/**
 * How many times the user's password has been written on this DC: the version of unicodePwd
 * in `replPropertyMetaData` (a replPropertyMetaDataBlob: version, reserved, count, reserved,
 * then 48-byte entries of attid, version, change time, invocation id and two USNs). Every
 * password write moves it by one, whatever the value, so a test can tell one write from two.
 */
export async function passwordWriteCount(client: Client, userDn: string): Promise<number> {
  const { searchEntries } = await client.search(userDn, {
    scope: 'base',
    filter: '(objectClass=user)',
    attributes: ['replPropertyMetaData'],
    explicitBufferAttributes: ['replPropertyMetaData'],
  });
  const blob = searchEntries[0]?.['replPropertyMetaData'];
  if (!Buffer.isBuffer(blob)) throw new Error(`no replPropertyMetaData on ${userDn}`);
  const count = blob.readUInt32LE(8);
  for (let index = 0; index < count; index += 1) {
    const at = HEADER_BYTES + index * ENTRY_BYTES;
    if (blob.readUInt32LE(at) === UNICODE_PWD_ATTID) return blob.readUInt32LE(at + 4);
  }
  return 0;
}
