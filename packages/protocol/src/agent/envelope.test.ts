import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Secret } from '../secret.js';
import {
  decryptSecrets,
  encryptSecrets,
  EnvelopeError,
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  importKey,
  signOperation,
  signProof,
  verifyOperation,
  verifyProof,
} from './envelope.js';
import type { OperationRequest } from './operation.js';

async function keys() {
  const encryption = await generateEncryptionKeyPair();
  const signing = await generateSigningKeyPair();
  return {
    encryptTo: await importKey(encryption.publicJwk, 'RSA-OAEP-256'),
    decryptWith: await importKey(encryption.privateJwk, 'RSA-OAEP-256'),
    signWith: await importKey(signing.privateJwk, 'EdDSA'),
    verifyWith: await importKey(signing.publicJwk, 'EdDSA'),
  };
}

function operation(overrides: Partial<OperationRequest> = {}): OperationRequest {
  return {
    id: randomUUID(),
    kind: 'sspr_reset',
    tenantId: 'default',
    agentId: 'agent-1',
    target: { by: 'objectGUID', value: '7a708e9d-5252-4ed8-9fab-026cb208a920' },
    options: { unlock: true },
    issuedAt: '2026-11-25T12:00:00.000Z',
    expiresAt: '2026-11-25T12:00:30.000Z',
    ...overrides,
  };
}

test('secrets round-trip through the JWE and never appear in the ciphertext', async () => {
  const { encryptTo, decryptWith } = await keys();
  const op = operation();
  const jwe = await encryptSecrets(encryptTo, op, { newPassword: Secret.of('N3w-Passw0rd!') });
  assert.ok(!jwe.includes('N3w-Passw0rd!'));
  assert.ok(!Buffer.from(jwe.split('.')[3]!, 'base64url').toString('latin1').includes('N3w'));
  const secrets = await decryptSecrets(decryptWith, op, jwe);
  assert.equal(secrets.newPassword?.reveal(), 'N3w-Passw0rd!');
  assert.equal(secrets.currentPassword, undefined);
});

test('a JWE moved to another operation, or opened with another key, is refused', async () => {
  const a = await keys();
  const b = await keys();
  const op = operation();
  const jwe = await encryptSecrets(a.encryptTo, op, { newPassword: Secret.of('x') });
  await assert.rejects(decryptSecrets(a.decryptWith, operation(), jwe), EnvelopeError);
  await assert.rejects(
    decryptSecrets(a.decryptWith, { ...op, expiresAt: '2027-01-01T00:00:00.000Z' }, jwe),
    EnvelopeError,
  );
  await assert.rejects(decryptSecrets(b.decryptWith, op, jwe), EnvelopeError);
});

test('a signed operation verifies; any change to it does not', async () => {
  const { signWith, verifyWith } = await keys();
  const op = operation();
  const jws = await signOperation(signWith, op);
  assert.deepEqual(await verifyOperation(verifyWith, jws), op);
  const [header, payload, signature] = jws.split('.');
  const tampered = Buffer.from(payload!, 'base64url')
    .toString()
    .replace('sspr_reset', 'admin_reset');
  await assert.rejects(
    verifyOperation(
      verifyWith,
      `${header}.${Buffer.from(tampered).toString('base64url')}.${signature}`,
    ),
    EnvelopeError,
  );
  const other = await keys();
  await assert.rejects(verifyOperation(other.verifyWith, jws), EnvelopeError);
});

test('an agent proof binds the nonce and the agent id', async () => {
  const { signWith, verifyWith } = await keys();
  const jws = await signProof(signWith, { nonce: 'n-0123456789abcdef', agentId: 'agent-1' });
  assert.equal(
    await verifyProof(verifyWith, jws, { nonce: 'n-0123456789abcdef', agentId: 'agent-1' }),
    true,
  );
  assert.equal(
    await verifyProof(verifyWith, jws, { nonce: 'n-other-nonce-0000', agentId: 'agent-1' }),
    false,
  );
  assert.equal(
    await verifyProof(verifyWith, jws, { nonce: 'n-0123456789abcdef', agentId: 'agent-2' }),
    false,
  );
  assert.equal(await verifyProof(verifyWith, 'garbage', { nonce: 'n', agentId: 'agent-1' }), false);
});
