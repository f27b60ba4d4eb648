/**
 * AD security descriptors (MS-DTYP 2.4.6, self-relative) as data: the DACL's ACEs with their
 * SIDs and object GUIDs, and back to bytes. Only the DACL is kept: the doctor reads it and
 * the delegation helper writes it (with the SD flags control asking for the DACL alone).
 */
export interface Ace {
  readonly type: number;
  readonly flags: number;
  readonly mask: number;
  readonly objectType?: string;
  readonly inheritedObjectType?: string;
  readonly sid: string;
}

export const ACE_TYPE = { allowed: 0, denied: 1, allowedObject: 5, deniedObject: 6 } as const;
export const ACE_FLAG = { containerInherit: 0x02, inheritOnly: 0x08, inherited: 0x10 } as const;
export const ACCESS = {
  controlAccess: 0x100,
  writeProperty: 0x20,
  readProperty: 0x10,
  listChildren: 0x04,
  listObject: 0x80,
  readControl: 0x20000,
  genericAll: 0x10000000,
} as const;

const SE_DACL_PRESENT = 0x0004;
const SE_SELF_RELATIVE = 0x8000;
const OBJECT_TYPE_PRESENT = 1;
const INHERITED_OBJECT_TYPE_PRESENT = 2;

export function sidToString(bytes: Buffer, offset = 0): string {
  const count = bytes[offset + 1]!;
  const authority = bytes.readUIntBE(offset + 2, 6);
  const parts = [`S-${bytes[offset]}-${authority}`];
  for (let i = 0; i < count; i++) parts.push(String(bytes.readUInt32LE(offset + 8 + i * 4)));
  return parts.join('-');
}

export function sidToBytes(sid: string): Buffer {
  const [, revision, authority, ...subs] = sid.split('-');
  const bytes = Buffer.alloc(8 + subs.length * 4);
  bytes[0] = Number(revision);
  bytes[1] = subs.length;
  bytes.writeUIntBE(Number(authority), 2, 6);
  subs.forEach((sub, i) => bytes.writeUInt32LE(Number(sub), 8 + i * 4));
  return bytes;
}

/** GUIDs are stored mixed-endian: the first three fields little-endian. */
export function guidToString(bytes: Buffer, offset = 0): string {
  const hex = (start: number, length: number, reverse: boolean): string => {
    const slice = [...bytes.subarray(offset + start, offset + start + length)];
    return (reverse ? slice.reverse() : slice).map((b) => b.toString(16).padStart(2, '0')).join('');
  };
  return [
    hex(0, 4, true),
    hex(4, 2, true),
    hex(6, 2, true),
    hex(8, 2, false),
    hex(10, 6, false),
  ].join('-');
}

export function guidToBytes(guid: string): Buffer {
  const [a, b, c, d, e] = guid.split('-') as [string, string, string, string, string];
  const le = (hex: string): Buffer => Buffer.from(hex, 'hex').reverse();
  return Buffer.concat([le(a), le(b), le(c), Buffer.from(d + e, 'hex')]);
}

/** The DACL's ACEs in order (empty when the descriptor carries no DACL). */
export function parseDacl(descriptor: Buffer): Ace[] {
  const daclOffset = descriptor.readUInt32LE(16);
  if (daclOffset === 0) return [];
  const count = descriptor.readUInt16LE(daclOffset + 4);
  const aces: Ace[] = [];
  let at = daclOffset + 8;
  for (let i = 0; i < count; i++) {
    const type = descriptor[at]!;
    const flags = descriptor[at + 1]!;
    const size = descriptor.readUInt16LE(at + 2);
    const mask = descriptor.readUInt32LE(at + 4);
    if (type === ACE_TYPE.allowedObject || type === ACE_TYPE.deniedObject) {
      const present = descriptor.readUInt32LE(at + 8);
      let field = at + 12;
      let objectType: string | undefined;
      let inheritedObjectType: string | undefined;
      if (present & OBJECT_TYPE_PRESENT) {
        objectType = guidToString(descriptor, field);
        field += 16;
      }
      if (present & INHERITED_OBJECT_TYPE_PRESENT) {
        inheritedObjectType = guidToString(descriptor, field);
        field += 16;
      }
      aces.push({
        type,
        flags,
        mask,
        ...(objectType ? { objectType } : {}),
        ...(inheritedObjectType ? { inheritedObjectType } : {}),
        sid: sidToString(descriptor, field),
      });
    } else if (type === ACE_TYPE.allowed || type === ACE_TYPE.denied) {
      aces.push({ type, flags, mask, sid: sidToString(descriptor, at + 8) });
    }
    // Other types (audit, callback) do not grant or deny here; they are skipped, not kept.
    at += size;
  }
  return aces;
}

function aceBytes(ace: Ace): Buffer {
  const sid = sidToBytes(ace.sid);
  const isObject = ace.type === ACE_TYPE.allowedObject || ace.type === ACE_TYPE.deniedObject;
  const guids = [ace.objectType, ace.inheritedObjectType].filter(Boolean) as string[];
  const size = 8 + (isObject ? 4 + guids.length * 16 : 0) + sid.length;
  const bytes = Buffer.alloc(size);
  bytes[0] = ace.type;
  bytes[1] = ace.flags;
  bytes.writeUInt16LE(size, 2);
  bytes.writeUInt32LE(ace.mask >>> 0, 4);
  let at = 8;
  if (isObject) {
    const present =
      (ace.objectType ? OBJECT_TYPE_PRESENT : 0) |
      (ace.inheritedObjectType ? INHERITED_OBJECT_TYPE_PRESENT : 0);
    bytes.writeUInt32LE(present, 8);
    at = 12;
    for (const guid of guids) {
      guidToBytes(guid).copy(bytes, at);
      at += 16;
    }
  }
  sid.copy(bytes, at);
  return bytes;
}

/** A self-relative descriptor holding only a DACL (written with SD flags = DACL). */
export function daclDescriptor(aces: readonly Ace[]): Buffer {
  const body = Buffer.concat(aces.map(aceBytes));
  const acl = Buffer.alloc(8);
  acl[0] = aces.some((ace) => ace.type >= ACE_TYPE.allowedObject) ? 4 : 2;
  acl.writeUInt16LE(8 + body.length, 2);
  acl.writeUInt16LE(aces.length, 4);
  const header = Buffer.alloc(20);
  header[0] = 1;
  header.writeUInt16LE(SE_DACL_PRESENT | SE_SELF_RELATIVE, 2);
  header.writeUInt32LE(20, 16);
  return Buffer.concat([header, acl, body]);
}
