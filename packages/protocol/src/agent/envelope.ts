import {
  CompactEncrypt,
  CompactSign,
  compactDecrypt,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import { Secret } from '../secret.js';
import {
  operationRequestSchema,
  operationSecretsSchema,
  type OperationRequest,
  type OperationSecretsPayload,
} from './operation.js';

/**
 * Keys and envelopes of the agent channel. Secrets are a JWE (RSA-OAEP-256 + A256GCM) to
 * the agent's encryption key; operations are a JWS (EdDSA) by the cloud; the agent proves
 * itself with a JWS (EdDSA) by its signing key. No shared secret exists anywhere.
 */
export const ENCRYPTION_ALG = 'RSA-OAEP-256';
export const CONTENT_ENC = 'A256GCM';
export const SIGNING_ALG = 'EdDSA';
const OPERATION_TYPE = 'ferry-operation+jws';
const PROOF_TYPE = 'ferry-agent-proof+jws';

export interface KeyPairJwk {
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

export async function generateEncryptionKeyPair(): Promise<KeyPairJwk> {
  const { publicKey, privateKey } = await generateKeyPair(ENCRYPTION_ALG, {
    modulusLength: 2048,
    extractable: true,
  });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

export async function generateSigningKeyPair(): Promise<KeyPairJwk> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

export async function importKey(jwk: JWK, alg: string): Promise<CryptoKey> {
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new TypeError('expected an asymmetric key');
  return key;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface OperationSecrets {
  readonly newPassword?: Secret | undefined;
  readonly currentPassword?: Secret | undefined;
}

export async function encryptSecrets(
  agentEncryptionKey: CryptoKey,
  operation: { id: string; expiresAt: string },
  secrets: OperationSecrets,
): Promise<string> {
  const payload: OperationSecretsPayload = {
    operationId: operation.id,
    expiresAt: operation.expiresAt,
    ...(secrets.newPassword ? { newPassword: secrets.newPassword.reveal() } : {}),
    ...(secrets.currentPassword ? { currentPassword: secrets.currentPassword.reveal() } : {}),
  };
  return new CompactEncrypt(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: ENCRYPTION_ALG, enc: CONTENT_ENC })
    .encrypt(agentEncryptionKey);
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

/** Decrypts and checks that the secrets belong to this very operation. */
export async function decryptSecrets(
  agentPrivateKey: CryptoKey,
  operation: { id: string; expiresAt: string },
  jwe: string,
): Promise<OperationSecrets> {
  let parsed: OperationSecretsPayload;
  try {
    const { plaintext } = await compactDecrypt(jwe, agentPrivateKey, {
      keyManagementAlgorithms: [ENCRYPTION_ALG],
      contentEncryptionAlgorithms: [CONTENT_ENC],
    });
    parsed = operationSecretsSchema.parse(JSON.parse(decoder.decode(plaintext)));
  } catch {
    throw new EnvelopeError('secrets cannot be decrypted with this agent key');
  }
  if (parsed.operationId !== operation.id || parsed.expiresAt !== operation.expiresAt) {
    throw new EnvelopeError('secrets belong to another operation');
  }
  return {
    newPassword: parsed.newPassword === undefined ? undefined : Secret.of(parsed.newPassword),
    currentPassword:
      parsed.currentPassword === undefined ? undefined : Secret.of(parsed.currentPassword),
  };
}

export async function signOperation(
  cloudSigningKey: CryptoKey,
  operation: OperationRequest,
): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(operation)))
    .setProtectedHeader({ alg: SIGNING_ALG, typ: OPERATION_TYPE })
    .sign(cloudSigningKey);
}

export async function verifyOperation(
  cloudPublicKey: CryptoKey,
  jws: string,
): Promise<OperationRequest> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, cloudPublicKey, {
      algorithms: [SIGNING_ALG],
    });
    if (protectedHeader.typ !== OPERATION_TYPE) throw new Error('wrong type');
    return operationRequestSchema.parse(JSON.parse(decoder.decode(payload)));
  } catch {
    throw new EnvelopeError('operation signature or content is not valid');
  }
}

export async function signProof(
  agentSigningKey: CryptoKey,
  proof: { nonce: string; agentId: string },
): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify({ ...proof, aud: 'ferry-agent-session' })))
    .setProtectedHeader({ alg: SIGNING_ALG, typ: PROOF_TYPE })
    .sign(agentSigningKey);
}

export async function verifyProof(
  agentPublicKey: CryptoKey,
  jws: string,
  expected: { nonce: string; agentId: string },
): Promise<boolean> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, agentPublicKey, {
      algorithms: [SIGNING_ALG],
    });
    const claims = JSON.parse(decoder.decode(payload)) as Record<string, unknown>;
    return (
      protectedHeader.typ === PROOF_TYPE &&
      claims['nonce'] === expected.nonce &&
      claims['agentId'] === expected.agentId &&
      claims['aud'] === 'ferry-agent-session'
    );
  } catch {
    return false;
  }
}
