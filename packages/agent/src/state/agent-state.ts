import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { importKey, ENCRYPTION_ALG, SIGNING_ALG, type KeyPairJwk } from '@ferry/protocol';
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
  readonly decryption: CryptoKey;
  readonly signing: CryptoKey;
  readonly cloudVerification: CryptoKey;
}

export interface StatePaths {
  readonly dir: string;
  readonly identity: string;
  readonly encryptionKey: string;
  readonly signingKey: string;
  readonly journal: string;
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    identity: path.join(dir, 'identity.json'),
    encryptionKey: path.join(dir, 'keys', 'encryption.private.jwk'),
    signingKey: path.join(dir, 'keys', 'signing.private.jwk'),
    journal: path.join(dir, 'journal.jsonl'),
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

export async function loadEnrollment(
  paths: StatePaths,
): Promise<{ identity: AgentIdentity; keys: AgentKeys }> {
  if (!isEnrolled(paths)) {
    throw new Error(
      `agent is not enrolled (no identity in ${paths.dir}): run \`ferry-agent enroll --cloud URL --token TOKEN\``,
    );
  }
  const identity = identitySchema.parse(JSON.parse(await readFile(paths.identity, 'utf8')));
  const readJwk = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as JWK;
  return {
    identity,
    keys: {
      decryption: await importKey(await readJwk(paths.encryptionKey), ENCRYPTION_ALG),
      signing: await importKey(await readJwk(paths.signingKey), SIGNING_ALG),
      cloudVerification: await importKey(identity.cloudSigningKey as JWK, SIGNING_ALG),
    },
  };
}
