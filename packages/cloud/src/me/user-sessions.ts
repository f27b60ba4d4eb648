import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { hashToken, newToken, tokenMatchesHash } from '../crypto/tokens.js';
import type { Database } from '../store/tables.js';
import { addMinutes, type Clock, type Random } from '../util/clock.js';

export interface IssuedUserSession {
  readonly sessionId: Secret;
  readonly csrfToken: Secret;
  readonly expiresAt: Date;
}

export interface UserSessionRecord {
  readonly tenantId: string;
  readonly userId: string;
  readonly csrfHash: string;
  /** When the user last proved their password for this session (sign-in or change). */
  readonly createdAt: string;
  readonly expiresAt: string;
}

/**
 * My Account sessions, apart from admin sessions so that an end-user cookie can never reach
 * an admin route: the `ferry_user` cookie holds a random id, the store only its SHA-256.
 */
export class UserSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly lifetimeMinutes: number,
  ) {}

  async issue(tenantId: string, userId: string): Promise<IssuedUserSession> {
    const sessionId = newToken(this.random);
    const csrfToken = newToken(this.random);
    const now = this.clock.now();
    const expiresAt = addMinutes(now, this.lifetimeMinutes);
    await this.db
      .insertInto('user_sessions')
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
  async resolve(sessionId: Secret): Promise<UserSessionRecord | undefined> {
    const row = await this.db
      .selectFrom('user_sessions')
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

  csrfMatches(session: UserSessionRecord, token: Secret): boolean {
    return tokenMatchesHash(token, session.csrfHash);
  }

  async revoke(sessionId: Secret): Promise<void> {
    await this.db.deleteFrom('user_sessions').where('id_hash', '=', hashToken(sessionId)).execute();
  }

  /**
   * The session's holder just proved the new password (a change made in this session): it
   * counts from now, so it outlives the rule that sessions older than the password end.
   */
  async reauthenticated(sessionId: Secret): Promise<void> {
    await this.db
      .updateTable('user_sessions')
      .set({ created_at: this.clock.now().toISOString() })
      .where('id_hash', '=', hashToken(sessionId))
      .execute();
  }

  /** Ends every session of a user except `keep` (after a password change). */
  async revokeOthers(tenantId: string, userId: string, keep: Secret): Promise<void> {
    await this.db
      .deleteFrom('user_sessions')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('id_hash', '!=', hashToken(keep))
      .execute();
  }

  /** Drops expired rows; called opportunistically at sign-in. */
  async purgeExpired(): Promise<void> {
    await this.db
      .deleteFrom('user_sessions')
      .where('expires_at', '<=', this.clock.now().toISOString())
      .execute();
  }
}
