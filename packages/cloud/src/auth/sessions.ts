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
  /** When the holder last proved their password for this session (sign-in or change). */
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** The tables that hold sessions; they have the same columns. */
export type SessionTable = 'admin_sessions' | 'user_sessions';

/**
 * Cookie sessions: the cookie holds a random id, the store only its SHA-256, with a CSRF
 * token's hash. Admin and My Account sessions live in separate tables, so an end-user cookie
 * can never reach an admin route.
 */
export class Sessions {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly clock: Clock,
    private readonly random: Random,
    private readonly lifetimeMinutes: number,
    protected readonly table: SessionTable = 'admin_sessions',
  ) {}

  async issue(tenantId: string, userId: string): Promise<IssuedSession> {
    const sessionId = newToken(this.random);
    const csrfToken = newToken(this.random);
    const now = this.clock.now();
    const expiresAt = addMinutes(now, this.lifetimeMinutes);
    await this.db
      .insertInto(this.table)
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
      .selectFrom(this.table)
      .select(['tenant_id', 'user_id', 'csrf_hash', 'created_at', 'expires_at'])
      .where('id_hash', '=', hashToken(sessionId))
      .executeTakeFirst();
    if (!row || row.expires_at <= this.clock.now().toISOString()) return undefined;
    return {
      tenantId: row.tenant_id,
      userId: row.user_id,
      csrfHash: row.csrf_hash,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  csrfMatches(session: SessionRecord, token: Secret): boolean {
    return tokenMatchesHash(token, session.csrfHash);
  }

  async revoke(sessionId: Secret): Promise<void> {
    await this.db.deleteFrom(this.table).where('id_hash', '=', hashToken(sessionId)).execute();
  }

  /** Drops expired rows; called opportunistically at sign-in. */
  async purgeExpired(): Promise<void> {
    await this.db
      .deleteFrom(this.table)
      .where('expires_at', '<=', this.clock.now().toISOString())
      .execute();
  }
}
