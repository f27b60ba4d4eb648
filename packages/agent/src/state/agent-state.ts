import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  importKey,
  ENCRYPTION_ALG,
  SIGNING_ALG,
  type KeyPairJwk,
} from '@ferry/protocol';
import type { CryptoKey, JWK } from 'jose';
import { z } from 'zod';

/**
 * What enrollment leaves on the agent's host: its identity at the cloud, the cloud's public
 * signing key, and the agent's two private keys (files of mode 0600 in a 0700 folder).
 */
const identitySchema = z.object({
  agentId: z.string().min(1),
  tenantId: z.string().min(1),
  cloudUrl: z.url(),
  gatewayPath: z.string().startsWith('/'),
  cloudSigningKey: z.record(z.string(), z.unknown()),
  enrolledAt: z.iso.datetime(),
});
export type AgentIdentity = z.infer<typeof identitySchema>;

export interface AgentKeys {
  /** Current key first; after a rotation the previous one too, for operations in flight. */
  readonly decryption: readonly CryptoKey[];
  readonly signing: CryptoKey;
  readonly cloudVerification: CryptoKey;
}

export interface StatePaths {
  readonly dir: string;
  readonly identity: string;
  readonly encryptionKey: string;
  readonly signingKey: string;
  readonly previousEncryptionKey: string;
  readonly nextEncryptionKey: string;
  readonly nextSigningKey: string;
  readonly journal: string;
  /** The running agent's control socket (Unix socket, 0600) for `ferry-agent sync …`. */
  readonly controlSocket: string;
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    identity: path.join(dir, 'identity.json'),
    encryptionKey: path.join(dir, 'keys', 'encryption.private.jwk'),
    signingKey: path.join(dir, 'keys', 'signing.private.jwk'),
    previousEncryptionKey: path.join(dir, 'keys', 'encryption.previous.jwk'),
    nextEncryptionKey: path.join(dir, 'keys', 'encryption.next.jwk'),
    nextSigningKey: path.join(dir, 'keys', 'signing.next.jwk'),
    journal: path.join(dir, 'journal.jsonl'),
    controlSocket: path.join(dir, 'control.sock'),
  };
}

export function isEnrolled(paths: StatePaths): boolean {
  return (
    existsSync(paths.identity) && existsSync(paths.encryptionKey) && existsSync(paths.signingKey)
  );
}

async function writePrivate(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

export async function saveEnrollment(
  paths: StatePaths,
  identity: AgentIdentity,
  keys: { encryption: KeyPairJwk; signing: KeyPairJwk },
): Promise<void> {
  await mkdir(path.dirname(paths.encryptionKey), { recursive: true, mode: 0o700 });
  await chmod(paths.dir, 0o700);
  await chmod(path.dirname(paths.encryptionKey), 0o700);
  await writePrivate(paths.encryptionKey, JSON.stringify(keys.encryption.privateJwk));
  await writePrivate(paths.signingKey, JSON.stringify(keys.signing.privateJwk));
  await writePrivate(paths.identity, JSON.stringify(identity, null, 2) + '\n');
}

/** The identity file again (after the cloud's signing key was re-pinned). */
export async function saveIdentity(paths: StatePaths, identity: AgentIdentity): Promise<void> {
  await writePrivate(paths.identity, JSON.stringify(identity, null, 2) + '\n');
}

export async function loadEnrollment(
  paths: StatePaths,
): Promise<{ identity: AgentIdentity; keys: AgentKeys }> {
  if (!isEnrolled(paths)) {
    throw new Error(
      `agent is not enrolled (no identity in ${paths.dir}): run \`ferry-agent enroll --cloud URL --token TOKEN\``,
    );
  }
  const identity = identitySchema.parse(JSON.parse(await readFile(paths.identity, 'utf8')));
  return { identity, keys: await loadKeys(paths, identity) };
}

async function readJwk(file: string): Promise<JWK> {
  return JSON.parse(await readFile(file, 'utf8')) as JWK;
}

async function loadKeys(paths: StatePaths, identity: AgentIdentity): Promise<AgentKeys> {
  const decryption = [await importKey(await readJwk(paths.encryptionKey), ENCRYPTION_ALG)];
  if (existsSync(paths.previousEncryptionKey)) {
    decryption.push(await importKey(await readJwk(paths.previousEncryptionKey), ENCRYPTION_ALG));
  }
  return {
    decryption,
    signing: await importKey(await readJwk(paths.signingKey), SIGNING_ALG),
    cloudVerification: await importKey(identity.cloudSigningKey as JWK, SIGNING_ALG),
  };
}

/**
 * Key rotation, step 1: new key pairs written beside the current ones (`*.next.jwk`), so a
 * crash at any point leaves keys the cloud knows on disk.
 */
export async function stageNextKeys(
  paths: StatePaths,
): Promise<{ encryption: KeyPairJwk; signing: KeyPairJwk }> {
  const encryption = await generateEncryptionKeyPair();
  const signing = await generateSigningKeyPair();
  await writePrivate(paths.nextEncryptionKey, JSON.stringify(encryption.privateJwk));
  await writePrivate(paths.nextSigningKey, JSON.stringify(signing.privateJwk));
  return { encryption, signing };
}

export function hasStagedKeys(paths: StatePaths): boolean {
  return existsSync(paths.nextEncryptionKey) && existsSync(paths.nextSigningKey);
}

/**
 * Step 2, once the cloud took the new public keys: they become current; the old encryption
 * key stays as `previous` for operations already encrypted to it.
 */
export async function promoteStagedKeys(
  paths: StatePaths,
  identity: AgentIdentity,
): Promise<AgentKeys> {
  await rename(paths.encryptionKey, paths.previousEncryptionKey);
  await rename(paths.nextEncryptionKey, paths.encryptionKey);
  await rename(paths.nextSigningKey, paths.signingKey);
  return loadKeys(paths, identity);
}

export async function discardStagedKeys(paths: StatePaths): Promise<void> {
  await rm(paths.nextEncryptionKey, { force: true });
  await rm(paths.nextSigningKey, { force: true });
}
