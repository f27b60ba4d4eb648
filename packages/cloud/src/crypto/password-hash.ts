import { hash, verify } from '@node-rs/argon2';
import type { Secret } from '@ferry/protocol';

// Argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
const options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: Secret): Promise<string> {
  return hash(password.reveal(), options);
}

export async function verifyPassword(encoded: string, password: Secret): Promise<boolean> {
  try {
    return await verify(encoded, password.reveal());
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal it. */
let dummy: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hash('ferry-dummy-password-for-timing', options);
  return dummy;
}
