import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { Sessions, type IssuedSession, type SessionRecord } from '../auth/sessions.js';
import { hashToken } from '../crypto/tokens.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

export type IssuedUserSession = IssuedSession;
export type UserSessionRecord = SessionRecord;

/**
 * My Account sessions (cookie `ferry_user`), in their own table. A password change keeps
 * the session it was made in and ends the others.
 */
export class UserSessions extends Sessions {
  constructor(db: Kysely<Database>, clock: Clock, random: Random, lifetimeMinutes: number) {
    super(db, clock, random, lifetimeMinutes, 'user_sessions');
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
}
