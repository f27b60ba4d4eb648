import { createHash, timingSafeEqual } from 'node:crypto';
import { Secret } from '@ferry/protocol';
import type { Random } from '../util/clock.js';

/** A fresh 256-bit bearer token (session id, CSRF token, bootstrap token), base64url. */
export function newToken(random: Random): Secret {
  return Secret.of(random.bytes(32).toString('base64url'));
}

/**
 * Tokens are stored only as SHA-256 digests: they are 256-bit random, so a fast hash is enough
 * and a stolen database cannot be replayed.
 */
export function hashToken(token: Secret): string {
  return createHash('sha256').update(token.reveal()).digest('base64url');
}

export function tokenMatchesHash(token: Secret, digest: string): boolean {
  const actual = Buffer.from(hashToken(token));
  const expected = Buffer.from(digest);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
