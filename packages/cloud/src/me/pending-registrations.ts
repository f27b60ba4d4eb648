import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database, MethodKind } from '../store/tables.js';
import { addMinutes, type Clock } from '../util/clock.js';

/** How long a started registration waits for its confirmation (the one-time code's lifetime). */
export const PENDING_MINUTES = 10;

export interface PendingRegistration {
  readonly value: string | null;
  readonly seed: Secret | undefined;
}

/**
 * Registrations a user started and has not confirmed: an address or number waiting for the
 * code sent to it, or a TOTP seed waiting for the first code from the app. One per user and
 * kind; starting again replaces it. The TOTP seed is sealed with the data key, bound to the
 * user, as an active one is.
 */
export class PendingRegistrations {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly box: SecretBox,
  ) {}

  async start(
    tenantId: string,
    userId: string,
    kind: MethodKind,
    pending: { value?: string; seed?: Secret },
  ): Promise<void> {
    const now = this.clock.now();
    const row = {
      tenant_id: tenantId,
      user_id: userId,
      kind,
      value: pending.value ?? null,
      protected_value: pending.seed ? this.box.seal(pending.seed, aad(tenantId, userId)) : null,
      created_at: now.toISOString(),
      expires_at: addMinutes(now, PENDING_MINUTES).toISOString(),
    };
    await this.db.transaction().execute(async (tx) => {
      await this.#delete(tx, tenantId, userId, kind);
      await tx.insertInto('pending_method_registrations').values(row).execute();
    });
  }

  /** The live pending registration, or undefined when there is none or it has expired. */
  async find(
    tenantId: string,
    userId: string,
    kind: MethodKind,
  ): Promise<PendingRegistration | undefined> {
    const row = await this.db
      .selectFrom('pending_method_registrations')
      .select(['value', 'protected_value', 'expires_at'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    if (!row || row.expires_at <= this.clock.now().toISOString()) return undefined;
    return {
      value: row.value,
      seed: row.protected_value
        ? this.box.open(row.protected_value, aad(tenantId, userId))
        : undefined,
    };
  }

  async finish(tenantId: string, userId: string, kind: MethodKind): Promise<void> {
    await this.#delete(this.db, tenantId, userId, kind);
  }

  async #delete(
    db: Kysely<Database>,
    tenantId: string,
    userId: string,
    kind: MethodKind,
  ): Promise<void> {
    await db
      .deleteFrom('pending_method_registrations')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .execute();
  }
}

// Another AAD than an active seed's: a pending ciphertext cannot be copied into the methods.
function aad(tenantId: string, userId: string): string {
  return `pending-totp:${tenantId}:${userId}`;
}
