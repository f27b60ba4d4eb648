import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

const LIFETIME_MS = 5 * 60_000;

export interface Challenge {
  readonly challenge: string;
  readonly difficulty: number;
  readonly expiresAt: string;
}

/**
 * A stateless, HMAC-signed proof-of-work puzzle: the client finds `nonce` such that
 * SHA-256(challenge + ':' + nonce) starts with `difficulty` zero bits. It costs a browser a
 * fraction of a second and a bulk enumerator a lot. Spent challenge ids go to the store,
 * so each one works once on every node.
 */
export class ProofOfWork {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly key: Buffer,
    private readonly difficulty: number,
  ) {}

  issue(): Challenge {
    const expiresMs = this.clock.now().getTime() + LIFETIME_MS;
    const expiresAt = new Date(expiresMs).toISOString();
    // id.expiry(ms).difficulty.signature: dots only as separators.
    const payload = `${this.random.bytes(16).toString('base64url')}.${expiresMs}.${this.difficulty}`;
    return {
      challenge: `${payload}.${this.#sign(payload)}`,
      difficulty: this.difficulty,
      expiresAt,
    };
  }

  /** Throws challenge_invalid unless the challenge is ours, fresh, unspent and solved. */
  async redeem(tenantId: string, challenge: string, nonce: string): Promise<void> {
    const parts = challenge.split('.');
    if (parts.length !== 4) throw invalid('malformed challenge');
    const [id, expiresMs, bits, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.#sign(`${id}.${expiresMs}.${bits}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalid('bad signature');
    }
    const now = this.clock.now().toISOString();
    const expiresAt = new Date(Number(expiresMs)).toISOString();
    if (expiresAt <= now) throw invalid('expired');
    if (!hasLeadingZeroBits(`${challenge}:${nonce}`, Number(bits))) throw invalid('unsolved');
    await this.db
      .deleteFrom('sspr_used_challenges')
      .where('tenant_id', '=', tenantId)
      .where('expires_at', '<=', now)
      .execute();
    const spent = await this.db
      .insertInto('sspr_used_challenges')
      .values({ id, tenant_id: tenantId, expires_at: expiresAt })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(spent.numInsertedOrUpdatedRows ?? 0n) !== 1) throw invalid('already used');
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.key).update(`pow:${payload}`).digest('base64url');
  }
}

export function hasLeadingZeroBits(input: string, bits: number): boolean {
  const digest = createHash('sha256').update(input).digest();
  let remaining = bits;
  for (const byte of digest) {
    if (remaining <= 0) return true;
    if (remaining >= 8) {
      if (byte !== 0) return false;
      remaining -= 8;
    } else {
      return byte >> (8 - remaining) === 0;
    }
  }
  return remaining <= 0;
}

/** Solves a challenge by brute force (tests, the CLI, and what the SPA does in a worker). */
export function solveChallenge(challenge: string, difficulty: number): string {
  for (let nonce = 0; ; nonce++) {
    if (hasLeadingZeroBits(`${challenge}:${nonce}`, difficulty)) return String(nonce);
  }
}

function invalid(detail: string): FerryError {
  return new FerryError('challenge_invalid', `proof of work refused: ${detail}`);
}
