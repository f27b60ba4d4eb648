import {
  constants,
  createCipheriv,
  createDecipheriv,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type webcrypto,
} from 'node:crypto';
import type { CryptoKey } from 'jose';

/**
 * The two compact JOSE forms the agent channel uses, on node:crypto's one-shot calls:
 * JWS with EdDSA (Ed25519) and JWE with RSA-OAEP-256 + A256GCM (RFC 7515/7516/7518).
 * jose makes and reads the same tokens (tests check both ways) but goes through WebCrypto,
 * whose thread-pool round trips cost about 1.5 ms per operation on each side of the
 * channel, on the user's wait. Headers are exactly what Ferry writes; anything else is refused.
 */
export class CompactJoseError extends Error {
  override readonly name = 'CompactJoseError';
}

const RSA_OAEP_256 = 'RSA-OAEP-256';
const A256GCM = 'A256GCM';
const CEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A CryptoKey (as jose imports keys) or a KeyObject, as node:crypto takes it. */
export type JoseKey = KeyObject | CryptoKey;

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: JoseKey): KeyObject {
  if (key instanceof KeyObject) return key;
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, object);
  }
  return object;
}

const encode = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

function decodePart(part: string | undefined, what: string): Buffer {
  if (part === undefined || !/^[A-Za-z0-9_-]*$/.test(part)) {
    throw new CompactJoseError(`${what} is not base64url`);
  }
  return Buffer.from(part, 'base64url');
}

/** The protected header, which must hold exactly `expected` (same keys, same values). */
function readHeader(part: string | undefined, expected: Readonly<Record<string, string>>): void {
  let header: unknown;
  try {
    header = JSON.parse(decodePart(part, 'header').toString('utf8'));
  } catch {
    throw new CompactJoseError('header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CompactJoseError('header is not an object');
  }
  const entries = Object.entries(header);
  const matches =
    entries.length === Object.keys(expected).length &&
    entries.every(([name, value]) => expected[name] === value);
  if (!matches) throw new CompactJoseError('unexpected header');
}

/** A compact JWS over `payload`, signed with an Ed25519 private key. */
export function signEdDsa(key: JoseKey, typ: string, payload: string): string {
  const input = `${encode(JSON.stringify({ alg: 'EdDSA', typ }))}.${encode(payload)}`;
  return `${input}.${encode(sign(null, Buffer.from(input), keyObjectOf(key)))}`;
}

/** The payload of a compact JWS by this Ed25519 public key with this `typ`; throws otherwise. */
export function verifyEdDsa(key: JoseKey, typ: string, jws: string): string {
  const parts = jws.split('.');
  if (parts.length !== 3) throw new CompactJoseError('not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  readHeader(header, { alg: 'EdDSA', typ });
  const valid = verify(
    null,
    Buffer.from(`${header}.${payload}`),
    keyObjectOf(key),
    decodePart(signature, 'signature'),
  );
  if (!valid) throw new CompactJoseError('signature does not verify');
  return decodePart(payload, 'payload').toString('utf8');
}

/** A compact JWE of `plaintext` to an RSA public key: RSA-OAEP-256 wraps an A256GCM key. */
export function encryptRsaOaep(key: JoseKey, plaintext: string): string {
  const header = encode(JSON.stringify({ alg: RSA_OAEP_256, enc: A256GCM }));
  const cek = randomBytes(CEK_BYTES);
  const wrapped = publicEncrypt(
    { key: keyObjectOf(key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    cek,
  );
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    header,
    encode(wrapped),
    encode(iv),
    encode(ciphertext),
    encode(cipher.getAuthTag()),
  ].join('.');
}

/** The plaintext of a compact JWE made by `encryptRsaOaep` for this private key; throws otherwise. */
export function decryptRsaOaep(key: JoseKey, jwe: string): string {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new CompactJoseError('not a compact JWE');
  const [header, wrapped, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  readHeader(header, { alg: RSA_OAEP_256, enc: A256GCM });
  let cek: Buffer;
  try {
    cek = privateDecrypt(
      { key: keyObjectOf(key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      decodePart(wrapped, 'encrypted key'),
    );
  } catch {
    throw new CompactJoseError('content key cannot be unwrapped');
  }
  const nonce = decodePart(iv, 'iv');
  const authTag = decodePart(tag, 'tag');
  if (cek.length !== CEK_BYTES || nonce.length !== IV_BYTES || authTag.length !== TAG_BYTES) {
    throw new CompactJoseError('wrong key, iv or tag length');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(header, 'ascii'));
    decipher.setAuthTag(authTag);
    const plaintext = Buffer.concat([
      decipher.update(decodePart(ciphertext, 'ciphertext')),
      decipher.final(),
    ]);
    return plaintext.toString('utf8');
  } catch {
    throw new CompactJoseError('content does not authenticate');
  }
}
