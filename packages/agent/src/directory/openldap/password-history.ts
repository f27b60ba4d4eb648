import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '@ferry/protocol';

/**
 * Whether a password matches one of the stored values: userPassword ({SSHA}, {SHA}, or
 * cleartext) and pwdHistory ("time#syntax#length#value"). The agent needs this because
 * slapd exempts `manage` holders, the agent's service account included, from history.
 */
export function matchesStoredPassword(password: Secret, stored: readonly string[]): boolean {
  return stored.some((value) => matchesOne(password.reveal(), historyValue(value)));
}

function historyValue(value: string): string {
  const parts = value.split('#');
  return parts.length >= 4 ? parts.slice(3).join('#') : value;
}

function matchesOne(password: string, stored: string): boolean {
  const scheme = /^\{([A-Z0-9-]+)\}(.*)$/i.exec(stored);
  if (!scheme) return safeEqual(Buffer.from(password), Buffer.from(stored));
  const [, name, encoded] = scheme;
  const decoded = Buffer.from(encoded!, 'base64');
  switch (name!.toUpperCase()) {
    case 'SSHA': {
      const digest = decoded.subarray(0, 20);
      const salt = decoded.subarray(20);
      const computed = createHash('sha1').update(password).update(salt).digest();
      return safeEqual(computed, digest);
    }
    case 'SHA':
      return safeEqual(createHash('sha1').update(password).digest(), decoded);
    default:
      return false; // a scheme the agent cannot check: slapd's own check is all there is
  }
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
