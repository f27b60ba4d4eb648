import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';

/** An LDAPS client that verifies the lab's certificate against its own CA. */
export function labClient(url: string, caFile: string, timeoutMs = 10_000): Client {
  return new Client({
    url,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    tlsOptions: { ca: [readFileSync(caFile)], minVersion: 'TLSv1.2' },
  });
}

export function unicodePwdValue(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

type Values = string[] | Buffer[];

export function replace(type: string, values: Values): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

export function add(type: string, values: Values): Change {
  return new Change({ operation: 'add', modification: new Attribute({ type, values }) });
}

/** Renders a binary objectSid as S-1-5-21-... */
export function sidToString(sid: Buffer): string {
  const revision = sid.readUInt8(0);
  const subAuthorityCount = sid.readUInt8(1);
  const authority = sid.readUIntBE(2, 6);
  const parts = [`S-${revision}-${authority}`];
  for (let index = 0; index < subAuthorityCount; index += 1) {
    parts.push(String(sid.readUInt32LE(8 + index * 4)));
  }
  return parts.join('-');
}

export type EntryAttributes = Record<string, string | string[] | Buffer>;

/** ldapts takes binary values (unicodePwd) only as Attribute objects. */
export function toAttributes(attributes: EntryAttributes): Attribute[] {
  return Object.entries(attributes).map(
    ([type, value]) =>
      new Attribute({
        type,
        values: Buffer.isBuffer(value) ? [value] : Array.isArray(value) ? value : [value],
      }),
  );
}

export async function addEntry(
  client: Client,
  dn: string,
  attributes: EntryAttributes,
): Promise<void> {
  await client.add(dn, toAttributes(attributes));
}

export async function ensureEntry(
  client: Client,
  dn: string,
  attributes: EntryAttributes,
): Promise<void> {
  try {
    await addEntry(client, dn, attributes);
  } catch (error) {
    if ((error as { code?: number }).code !== 68) throw error; // 68 = entryAlreadyExists
  }
}
