import { createHash } from 'node:crypto';
import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { Sessions, type IssuedSession, type SessionRecord } from '../auth/sessions.js';
import { hashToken } from '../crypto/tokens.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

export type IssuedUserSession = IssuedSession;
export type UserSessionRecord = SessionRecord;

/** Where a session was opened from, as the user sees it in their session list. */
export interface SessionClient {
  readonly userAgent: string | undefined;
  readonly sourceIp: string;
}

/** One of a user's sessions as My Account lists it (ASVS 3.3.4). */
export interface ListedSession {
  /** A handle for this session: derived from the stored hash, never the cookie value. */
  readonly id: string;
  readonly current: boolean;
  readonly userAgent: string | null;
  readonly sourceIp: string | null;
  readonly startedAt: string;
  readonly lastSeenAt: string | null;
  readonly expiresAt: string;
}

/** How often a session's "last seen" is written: at most once a minute per session. */
const LAST_SEEN_STEP_MS = 60_000;

/**
 * My Account sessions (cookie `ferry_user`), in their own table. A password change keeps
 * the session it was made in and ends the others. Each session remembers where it was opened
 * (user agent, address) and when it was last used, so its holder can see and end the others.
 */
export class UserSessions extends Sessions {
  constructor(db: Kysely<Database>, clock: Clock, random: Random, lifetimeMinutes: number) {
    super(db, clock, random, lifetimeMinutes, 'user_sessions');
  }

  override async issue(
    tenantId: string,
    userId: string,
    client?: SessionClient,
  ): Promise<IssuedSession> {
    const issued = await super.issue(tenantId, userId);
    const now = this.clock.now().toISOString();
    await this.db
      .updateTable('user_sessions')
      .set({
        started_at: now,
        last_seen_at: now,
        user_agent: client?.userAgent?.slice(0, 256) ?? null,
        source_ip: client?.sourceIp ?? null,
      })
      .where('id_hash', '=', hashToken(issued.sessionId))
      .execute();
    return issued;
  }

  /** Records that the session was used now (written at most once a minute). */
  async touch(sessionId: Secret): Promise<void> {
    const now = this.clock.now();
    const stale = new Date(now.getTime() - LAST_SEEN_STEP_MS).toISOString();
    await this.db
      .updateTable('user_sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id_hash', '=', hashToken(sessionId))
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', stale)]))
      .execute();
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

  /** The user's live sessions, the newest first; `current` marks the one asking. */
  async list(tenantId: string, userId: string, current: Secret): Promise<ListedSession[]> {
    const currentHash = hashToken(current);
    const rows = await this.db
      .selectFrom('user_sessions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('expires_at', '>', this.clock.now().toISOString())
      .execute();
    return rows
      .map((row) => ({
        id: publicSessionId(row.id_hash),
        current: row.id_hash === currentHash,
        userAgent: row.user_agent,
        sourceIp: row.source_ip,
        startedAt: row.started_at ?? row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
      }))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Ends one of the user's sessions by its listed id; false when there is no such session. */
  async revokeListed(tenantId: string, userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .selectFrom('user_sessions')
      .select('id_hash')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    const row = rows.find((candidate) => publicSessionId(candidate.id_hash) === id);
    if (!row) return false;
    await this.db.deleteFrom('user_sessions').where('id_hash', '=', row.id_hash).execute();
    return true;
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

/**
 * The id a session is listed under: a hash of the stored hash, so neither the cookie value nor
 * the key the store finds the session by ever reaches a page.
 */
function publicSessionId(idHash: string): string {
  return createHash('sha256').update(`listed-session:${idHash}`).digest('base64url').slice(0, 22);
}
