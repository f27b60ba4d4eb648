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

export function replace(type: string, values: Array<string | Buffer>): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

export function add(type: string, values: Array<string | Buffer>): Change {
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

export async function ensureEntry(
  client: Client,
  dn: string,
  attributes: Record<string, string | string[] | Buffer>,
): Promise<void> {
  try {
    await client.add(dn, attributes);
  } catch (error) {
    if ((error as { code?: number }).code !== 68) throw error; // 68 = entryAlreadyExists
  }
}
