/**
 * objectGUID, Ferry's source anchor for AD users. AD stores it as 16 bytes whose first three
 * fields are little-endian; the text form is the familiar 8-4-4-4-12 GUID.
 */
export function guidBytesToString(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = (slice: Buffer): string => slice.toString('hex');
  return [
    hex(Buffer.from(bytes.subarray(0, 4)).reverse()),
    hex(Buffer.from(bytes.subarray(4, 6)).reverse()),
    hex(Buffer.from(bytes.subarray(6, 8)).reverse()),
    hex(bytes.subarray(8, 10)),
    hex(bytes.subarray(10, 16)),
  ].join('-');
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID_PATTERN.test(text);
}

export function guidStringToBytes(guid: string): Buffer {
  if (!isGuid(guid)) throw new Error('not a GUID');
  const parts = guid.split('-');
  const le = (hex: string): Buffer => Buffer.from(hex, 'hex').reverse();
  return Buffer.concat([
    le(parts[0]!),
    le(parts[1]!),
    le(parts[2]!),
    Buffer.from(parts[3]!, 'hex'),
    Buffer.from(parts[4]!, 'hex'),
  ]);
}
