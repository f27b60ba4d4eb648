import { createHmac, timingSafeEqual } from 'node:crypto';
import { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { base32Decode, base32Encode } from './base32.js';

/** RFC 6238 as authenticator apps do it: HMAC-SHA-1, 6 digits, 30-second steps. */
const STEP_SECONDS = 30;
const DIGITS = 6;
/** One step either side absorbs clock drift between phone and server. */
const DRIFT_STEPS = 1;

/** A new 160-bit seed, base32 (as the otpauth URI and authenticator apps want it). */
export function newTotpSeed(random: Random): Secret {
  return Secret.of(base32Encode(random.bytes(20)));
}

/** The otpauth:// URI an authenticator scans; it holds the seed, so it is a Secret too. */
export function otpauthUri(options: {
  readonly issuer: string;
  readonly account: string;
  readonly seed: Secret;
}): Secret {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.account)}`;
  const query = new URLSearchParams({
    secret: options.seed.reveal(),
    issuer: options.issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(STEP_SECONDS),
  });
  return Secret.of(`otpauth://totp/${label}?${query.toString()}`);
}

export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / STEP_SECONDS);
}

/** The code of one step (RFC 4226 dynamic truncation). */
export function totpCode(seed: Secret, step: number): Secret {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(seed.reveal())).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return Secret.of(String(binary % 10 ** DIGITS).padStart(DIGITS, '0'));
}

/** The step within the drift window whose code is `code`, if any. */
export function matchingTotpStep(seed: Secret, code: Secret, at: Date): number | undefined {
  const given = Buffer.from(code.reveal().replace(/\s/g, ''));
  const now = totpStep(at);
  for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
    const expected = Buffer.from(totpCode(seed, step).reveal());
    if (given.length === expected.length && timingSafeEqual(given, expected)) return step;
  }
  return undefined;
}

/**
 * Checks a user's TOTP code and burns its step, so a code seen over a shoulder cannot be
 * replayed: a step at or before the last accepted one is refused (table `totp_steps`).
 */
export async function verifyTotp(
  db: Kysely<Database>,
  clock: Clock,
  input: {
    readonly tenantId: string;
    readonly userId: string;
    readonly seed: Secret;
    readonly code: Secret;
  },
): Promise<boolean> {
  const step = matchingTotpStep(input.seed, input.code, clock.now());
  if (step === undefined) return false;
  const last = await db
    .selectFrom('totp_steps')
    .select('last_step')
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', '=', input.userId)
    .executeTakeFirst();
  if (last) {
    if (Number(last.last_step) >= step) return false;
    // Conditional update: of two parallel uses of one code, only one wins.
    const moved = await db
      .updateTable('totp_steps')
      .set({ last_step: step })
      .where('tenant_id', '=', input.tenantId)
      .where('user_id', '=', input.userId)
      .where('last_step', '<', step)
      .executeTakeFirst();
    return Number(moved.numUpdatedRows) === 1;
  }
  const inserted = await db
    .insertInto('totp_steps')
    .values({ tenant_id: input.tenantId, user_id: input.userId, last_step: step })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}
