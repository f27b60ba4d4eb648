import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { Secret } from '../secret.js';
import { decryptRsaOaep, encryptRsaOaep, signEdDsa, verifyEdDsa } from './compact-jose.js';
import {
  operationRequestSchema,
  operationSecretsSchema,
  type OperationRequest,
  type OperationSecretsPayload,
} from './operation.js';

/**
 * Keys and envelopes of the agent channel. Secrets are a JWE (RSA-OAEP-256 + A256GCM) to
 * the agent's encryption key; operations are a JWS (EdDSA) by the cloud; the agent proves
 * itself with a JWS (EdDSA) by its signing key. No shared secret exists anywhere. Keys are
 * made and kept as JWKs with jose; the tokens themselves are made and read on node:crypto
 * (compact-jose.ts), in the same formats.
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
  return encryptRsaOaep(agentEncryptionKey, JSON.stringify(payload));
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
    parsed = operationSecretsSchema.parse(JSON.parse(decryptRsaOaep(agentPrivateKey, jwe)));
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
  // The cloud signs only what an agent would accept (a fence's target among the rest).
  operationRequestSchema.parse(operation);
  return signEdDsa(cloudSigningKey, OPERATION_TYPE, JSON.stringify(operation));
}

export async function verifyOperation(
  cloudPublicKey: CryptoKey,
  jws: string,
): Promise<OperationRequest> {
  try {
    return operationRequestSchema.parse(
      JSON.parse(verifyEdDsa(cloudPublicKey, OPERATION_TYPE, jws)),
    );
  } catch {
    throw new EnvelopeError('operation signature or content is not valid');
  }
}

export async function signProof(
  agentSigningKey: CryptoKey,
  proof: { nonce: string; agentId: string },
): Promise<string> {
  return signEdDsa(
    agentSigningKey,
    PROOF_TYPE,
    JSON.stringify({ ...proof, aud: 'ferry-agent-session' }),
  );
}

export async function verifyProof(
  agentPublicKey: CryptoKey,
  jws: string,
  expected: { nonce: string; agentId: string },
): Promise<boolean> {
  try {
    const claims = JSON.parse(verifyEdDsa(agentPublicKey, PROOF_TYPE, jws)) as Record<
      string,
      unknown
    >;
    return (
      claims['nonce'] === expected.nonce &&
      claims['agentId'] === expected.agentId &&
      claims['aud'] === 'ferry-agent-session'
    );
  } catch {
    return false;
  }
}
