import { createHash, timingSafeEqual } from 'node:crypto';
import { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import { addMinutes, type Clock, type Random } from '../util/clock.js';

export type CodePurpose =
  'sspr_email' | 'sspr_sms' | 'register_email' | 'register_phone' | 'sign_in_email' | 'sign_in_sms';

export interface CodeSubject {
  readonly tenantId: string;
  readonly purpose: CodePurpose;
  /** Who or what the code is for: a reset flow id, a user id. */
  readonly subject: string;
}

export type CodeCheck = 'ok' | 'wrong' | 'expired';

export const CODE_VALIDITY_MINUTES = 5;
export const CODE_MAX_ATTEMPTS = 5;

/**
 * Six-digit one-time codes sent by mail or SMS. Only a SHA-256 digest is stored, bound to
 * tenant, purpose and subject; a code lives 5 minutes, allows 5 tries, and works once.
 * Issuing a new code for the same subject replaces the previous one.
 */
export class OneTimeCodes {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async issue(target: CodeSubject): Promise<Secret> {
    const code = Secret.of(sixDigits(this.random));
    const now = this.clock.now();
    await this.db.transaction().execute(async (tx) => {
      // Spent and stale codes go as new ones come, so the table stays small.
      await tx.deleteFrom('one_time_codes').where('expires_at', '<=', now.toISOString()).execute();
      await tx
        .deleteFrom('one_time_codes')
        .where('tenant_id', '=', target.tenantId)
        .where('purpose', '=', target.purpose)
        .where('subject', '=', target.subject)
        .execute();
      await tx
        .insertInto('one_time_codes')
        .values({
          id: this.random.uuid(),
          tenant_id: target.tenantId,
          purpose: target.purpose,
          subject: target.subject,
          code_hash: digest(target, code),
          attempts: 0,
          created_at: now.toISOString(),
          expires_at: addMinutes(now, CODE_VALIDITY_MINUTES).toISOString(),
        })
        .execute();
    });
    return code;
  }

  async verify(target: CodeSubject & { readonly code: Secret }): Promise<CodeCheck> {
    const row = await this.db
      .selectFrom('one_time_codes')
      .select(['id', 'code_hash', 'attempts', 'expires_at'])
      .where('tenant_id', '=', target.tenantId)
      .where('purpose', '=', target.purpose)
      .where('subject', '=', target.subject)
      .executeTakeFirst();
    const now = this.clock.now().toISOString();
    if (!row || row.expires_at <= now || row.attempts >= CODE_MAX_ATTEMPTS) return 'expired';
    // Count the try first, conditionally, so parallel guesses cannot exceed the budget.
    const counted = await this.db
      .updateTable('one_time_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .where('attempts', '<', CODE_MAX_ATTEMPTS)
      .executeTakeFirst();
    if (Number(counted.numUpdatedRows) === 0) return 'expired';
    if (!sameDigest(row.code_hash, digest(target, target.code))) return 'wrong';
    const used = await this.db
      .deleteFrom('one_time_codes')
      .where('id', '=', row.id)
      .executeTakeFirst();
    return Number(used.numDeletedRows) === 1 ? 'ok' : 'expired';
  }
}

/** Uniform 000000-999999 by rejection sampling (no modulo bias). */
function sixDigits(random: Random): string {
  for (;;) {
    const value = random.bytes(4).readUInt32BE(0);
    if (value < 4_294_000_000) return String(value % 1_000_000).padStart(6, '0');
  }
}

function digest(target: CodeSubject, code: Secret): string {
  return createHash('sha256')
    .update(`${target.tenantId}:${target.purpose}:${target.subject}:${code.reveal().trim()}`)
    .digest('base64url');
}

function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
