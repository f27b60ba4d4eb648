import assert from 'node:assert/strict';
import {
  constants,
  createCipheriv,
  KeyObject,
  publicEncrypt,
  randomBytes,
  type webcrypto,
} from 'node:crypto';
import { test } from 'node:test';
import {
  CompactEncrypt,
  CompactSign,
  compactDecrypt,
  compactVerify,
  generateKeyPair,
  type CryptoKey,
} from 'jose';
import {
  CompactJoseError,
  decryptRsaOaep,
  encryptRsaOaep,
  signEdDsa,
  verifyEdDsa,
} from './compact-jose.js';

const text = new TextEncoder();
const TYP = 'ferry-operation+jws';

async function keyPairs() {
  const rsa = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048 });
  const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { rsa, ed };
}

/** Re-encodes one dot-separated part of a compact token through `change`. */
function alterPart(token: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = token.split('.');
  parts[index] = change(Buffer.from(parts[index]!, 'base64url')).toString('base64url');
  return parts.join('.');
}

const flipFirstBit = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes);
  copy[0] = copy[0]! ^ 1;
  return copy;
};

test('our JWE opens with jose, and jose’s JWE opens with ours', async () => {
  const { rsa } = await keyPairs();
  const ours = encryptRsaOaep(rsa.publicKey, '{"newPassword":"Zürich-été-2026"}');
  const opened = await compactDecrypt(ours, rsa.privateKey, {
    keyManagementAlgorithms: ['RSA-OAEP-256'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  assert.equal(new TextDecoder().decode(opened.plaintext), '{"newPassword":"Zürich-été-2026"}');
  assert.deepEqual(opened.protectedHeader, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });

  const theirs = await new CompactEncrypt(text.encode('from jose'))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
    .encrypt(rsa.publicKey);
  assert.equal(decryptRsaOaep(rsa.privateKey, theirs), 'from jose');
});

test('our JWS verifies with jose, and jose’s JWS verifies with ours', async () => {
  const { ed } = await keyPairs();
  const ours = signEdDsa(ed.privateKey, TYP, '{"id":"op-1"}');
  const verified = await compactVerify(ours, ed.publicKey, { algorithms: ['EdDSA'] });
  assert.equal(new TextDecoder().decode(verified.payload), '{"id":"op-1"}');
  assert.deepEqual(verified.protectedHeader, { alg: 'EdDSA', typ: TYP });

  const theirs = await new CompactSign(text.encode('{"id":"op-2"}'))
    .setProtectedHeader({ alg: 'EdDSA', typ: TYP })
    .sign(ed.privateKey);
  assert.equal(verifyEdDsa(ed.publicKey, TYP, theirs), '{"id":"op-2"}');
});

test('any changed part of a JWE is refused', async () => {
  const { rsa } = await keyPairs();
  const jwe = encryptRsaOaep(rsa.publicKey, 'secret');
  for (const index of [0, 1, 2, 3, 4]) {
    assert.throws(
      () => decryptRsaOaep(rsa.privateKey, alterPart(jwe, index, flipFirstBit)),
      CompactJoseError,
      `part ${index}`,
    );
  }
  const other = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048 });
  assert.throws(() => decryptRsaOaep(other.privateKey, jwe), CompactJoseError);
  assert.throws(() => decryptRsaOaep(rsa.privateKey, jwe.split('.').slice(0, 4).join('.')));
});

test('a JWE header other than exactly RSA-OAEP-256 + A256GCM is refused', async () => {
  const { rsa } = await keyPairs();
  assert.equal(
    decryptRsaOaep(
      rsa.privateKey,
      sealWithHeader(rsa.publicKey, {
        alg: 'RSA-OAEP-256',
        enc: 'A256GCM',
      }),
    ),
    'x',
  );
  for (const header of [
    { alg: 'RSA-OAEP', enc: 'A256GCM' },
    { alg: 'RSA-OAEP-256', enc: 'A128GCM' },
    { alg: 'RSA-OAEP-256', enc: 'A256GCM', zip: 'DEF' },
    { alg: 'RSA-OAEP-256', enc: 'A256GCM', crit: ['exp'] },
    { alg: 'RSA-OAEP-256' },
  ]) {
    const jwe = sealWithHeader(rsa.publicKey, header);
    assert.throws(
      () => decryptRsaOaep(rsa.privateKey, jwe),
      CompactJoseError,
      JSON.stringify(header),
    );
  }
});

test('a JWS with another key, typ, algorithm or a changed payload is refused', async () => {
  const { ed } = await keyPairs();
  const jws = signEdDsa(ed.privateKey, TYP, '{"kind":"sspr_reset"}');
  assert.throws(() => verifyEdDsa(ed.publicKey, 'ferry-agent-proof+jws', jws), CompactJoseError);
  const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  assert.throws(() => verifyEdDsa(other.publicKey, TYP, jws), CompactJoseError);
  const changed = alterPart(jws, 1, () => Buffer.from('{"kind":"admin_reset"}'));
  assert.throws(() => verifyEdDsa(ed.publicKey, TYP, changed), CompactJoseError);
  const none = alterPart(jws, 0, () => json({ alg: 'none', typ: TYP }));
  assert.throws(() => verifyEdDsa(ed.publicKey, TYP, none), CompactJoseError);
  assert.throws(() => verifyEdDsa(ed.publicKey, TYP, `${jws}.extra`), CompactJoseError);
  assert.throws(
    () => verifyEdDsa(ed.publicKey, TYP, jws.replace(/\.[^.]+$/, '.!!')),
    CompactJoseError,
  );
});

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/**
 * A well-formed JWE whose only fault can be its header: sealed as encryptRsaOaep seals,
 * with `header` authenticated as the AAD.
 */
function sealWithHeader(key: CryptoKey, header: Record<string, unknown>): string {
  const encoded = json(header).toString('base64url');
  const cek = randomBytes(32);
  const wrapped = publicEncrypt(
    {
      key: KeyObject.from(key as webcrypto.CryptoKey),
      padding: constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
    },
    cek,
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(Buffer.from(encoded, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update('x'), cipher.final()]);
  return [encoded, wrapped, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}
