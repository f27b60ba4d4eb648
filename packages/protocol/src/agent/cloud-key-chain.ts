import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { z } from 'zod';
import { signEdDsa, verifyEdDsa, type JoseKey } from './compact-jose.js';

/** The JWS type of an endorsement of the cloud's next operation-signing key. */
export const CLOUD_KEY_TYP = 'ferry-cloud-key+jws';

const endorsedKeySchema = z
  .object({
    key: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }).strict(),
    issuedAt: z.iso.datetime(),
  })
  .strict();

/**
 * The cloud's new operation-signing key, endorsed by the key before it: a compact JWS by the
 * previous private key over `{key, issuedAt}`. Agents that pinned the previous key follow it.
 */
export function endorseCloudKey(previous: JoseKey, next: JWK, issuedAt: Date): string {
  const key = { kty: next.kty, crv: next.crv, x: next.x };
  return signEdDsa(
    previous,
    CLOUD_KEY_TYP,
    JSON.stringify({ key, issuedAt: issuedAt.toISOString() }),
  );
}

/**
 * Follows a chain of endorsements (oldest first) from the key an agent pinned: each one signed
 * by the key pinned so far moves the pin to the key it names; the others (older links, or
 * anything not signed by the pin) change nothing. The new pin, or undefined when it stays.
 */
export function followCloudKeyChain(pinned: JWK, endorsements: readonly string[]): JWK | undefined {
  let current = pinned;
  let moved = false;
  for (const endorsement of endorsements) {
    let payload: unknown;
    try {
      const key = createPublicKey({ key: current as JsonWebKey, format: 'jwk' });
      payload = JSON.parse(verifyEdDsa(key, CLOUD_KEY_TYP, endorsement));
    } catch {
      continue;
    }
    const parsed = endorsedKeySchema.safeParse(payload);
    if (!parsed.success) continue;
    current = parsed.data.key;
    moved = true;
  }
  return moved ? current : undefined;
}
