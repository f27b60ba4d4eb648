import { Secret } from '@ferry/protocol';
import type { Kysely, Selectable } from 'kysely';
import { hashToken, newToken, tokenMatchesHash } from '../../crypto/tokens.js';
import type { Database } from '../../store/tables.js';
import type { Clock, Random } from '../../util/clock.js';
import type { OidcSignInsTable, SignInStage } from '../oidc-tables.js';

export type SignInRecord = Selectable<OidcSignInsTable> & { stage: SignInStage };

/** How long a sign-in waits for its user (the provider's interaction lives as long). */
export const SIGN_IN_MINUTES = 30;

/**
 * Where each sign-in in progress stands (table `oidc_sign_ins`, keyed by the provider's
 * interaction uid): the user once the password is proved, the methods proved, and the digest
 * of the CSRF token the page sends with every step. Any node can take the next step.
 */
export class SignInRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async find(tenantId: string, uid: string): Promise<SignInRecord | undefined> {
    const row = await this.db
      .selectFrom('oidc_sign_ins')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('uid', '=', uid)
      .where('expires_at', '>', this.clock.now().toISOString())
      .executeTakeFirst();
    return row as SignInRecord | undefined;
  }

  /** Starts (or re-opens, on a reload) the record and returns a fresh CSRF token for the page. */
  async open(
    tenantId: string,
    uid: string,
    initial: {
      clientId: string;
      stage: SignInStage;
      userId: string | null;
      amr: readonly string[];
    },
  ): Promise<{ record: SignInRecord; csrfToken: Secret }> {
    const csrfToken = newToken(this.random);
    const now = this.clock.now();
    const existing = await this.find(tenantId, uid);
    if (existing) {
      await this.db
        .updateTable('oidc_sign_ins')
        .set({ csrf_hash: hashToken(csrfToken) })
        .where('tenant_id', '=', tenantId)
        .where('uid', '=', uid)
        .execute();
      return { record: existing, csrfToken };
    }
    const row = {
      uid,
      tenant_id: tenantId,
      client_id: initial.clientId,
      user_id: initial.userId,
      stage: initial.stage,
      reason: null,
      amr_json: JSON.stringify(initial.amr),
      csrf_hash: hashToken(csrfToken),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SIGN_IN_MINUTES * 60_000).toISOString(),
    };
    await this.db
      .insertInto('oidc_sign_ins')
      .values(row)
      .onConflict((oc) => oc.column('uid').doUpdateSet({ csrf_hash: row.csrf_hash }))
      .execute();
    return { record: (await this.find(tenantId, uid))!, csrfToken };
  }

  csrfMatches(record: SignInRecord, token: string | undefined): boolean {
    return typeof token === 'string' && tokenMatchesHash(Secret.of(token), record.csrf_hash);
  }

  /**
   * Moves the sign-in from `from` to the next stage, in one conditional UPDATE: two parallel
   * steps cannot both advance it.
   */
  async advance(
    record: SignInRecord,
    next: {
      stage: SignInStage;
      userId?: string;
      amr?: readonly string[];
      reason?: string | null;
    },
  ): Promise<SignInRecord | undefined> {
    const moved = await this.db
      .updateTable('oidc_sign_ins')
      .set({
        stage: next.stage,
        reason: next.reason ?? null,
        ...(next.userId !== undefined ? { user_id: next.userId } : {}),
        ...(next.amr !== undefined ? { amr_json: JSON.stringify(next.amr) } : {}),
      })
      .where('tenant_id', '=', record.tenant_id)
      .where('uid', '=', record.uid)
      .where('stage', '=', record.stage)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) return undefined;
    return this.find(record.tenant_id, record.uid);
  }

  /** The sign-in is over (finished, refused or abandoned). */
  async close(record: SignInRecord): Promise<void> {
    await this.db
      .deleteFrom('oidc_sign_ins')
      .where('tenant_id', '=', record.tenant_id)
      .where('uid', '=', record.uid)
      .execute();
  }
}

export function amrOf(record: SignInRecord): string[] {
  return JSON.parse(record.amr_json) as string[];
}
