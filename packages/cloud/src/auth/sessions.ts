import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { hashToken, newToken, tokenMatchesHash } from '../crypto/tokens.js';
import type { Database } from '../store/tables.js';
import { addMinutes, type Clock, type Random } from '../util/clock.js';

export interface IssuedSession {
  readonly sessionId: Secret;
  readonly csrfToken: Secret;
  readonly expiresAt: Date;
}

export interface SessionRecord {
  readonly tenantId: string;
  readonly userId: string;
  readonly csrfHash: string;
  readonly expiresAt: string;
}

/** Admin sessions: the cookie holds a random id, the store holds only its SHA-256. */
export class Sessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly lifetimeMinutes: number,
  ) {}

  async issue(tenantId: string, userId: string): Promise<IssuedSession> {
    const sessionId = newToken(this.random);
    const csrfToken = newToken(this.random);
    const now = this.clock.now();
    const expiresAt = addMinutes(now, this.lifetimeMinutes);
    await this.db
      .insertInto('admin_sessions')
      .values({
        id_hash: hashToken(sessionId),
        tenant_id: tenantId,
        user_id: userId,
        csrf_hash: hashToken(csrfToken),
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { sessionId, csrfToken, expiresAt };
  }

  /** The live session for this cookie value, or undefined when unknown or expired. */
  async resolve(sessionId: Secret): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom('admin_sessions')
      .select(['tenant_id', 'user_id', 'csrf_hash', 'expires_at'])
      .where('id_hash', '=', hashToken(sessionId))
      .executeTakeFirst();
    if (!row || row.expires_at <= this.clock.now().toISOString()) return undefined;
    return {
      tenantId: row.tenant_id,
      userId: row.user_id,
      csrfHash: row.csrf_hash,
      expiresAt: row.expires_at,
    };
  }

  csrfMatches(session: SessionRecord, token: Secret): boolean {
    return tokenMatchesHash(token, session.csrfHash);
  }

  async revoke(sessionId: Secret): Promise<void> {
    await this.db
      .deleteFrom('admin_sessions')
      .where('id_hash', '=', hashToken(sessionId))
      .execute();
  }

  /** Drops expired rows; called opportunistically at sign-in. */
  async purgeExpired(): Promise<void> {
    await this.db
      .deleteFrom('admin_sessions')
      .where('expires_at', '<=', this.clock.now().toISOString())
      .execute();
  }
}
