import { FerryError } from '../util/ferry-error.js';
import type { Clock } from '../util/clock.js';
import type { UserSessionRecord } from './user-sessions.js';

/** How long after proving the password a session may change verification methods. */
export const RECENT_PROOF_MINUTES = 10;

/**
 * Recovery methods are what a password reset trusts, so changing them needs more than a
 * session (ASVS 2.5.5, 3.7.1): the password must have been proven recently, i.e. the session
 * was opened by a sign-in at most RECENT_PROOF_MINUTES ago. An older session signs in again.
 */
export function requireRecentProof(clock: Clock, session: UserSessionRecord): void {
  const age = clock.now().getTime() - Date.parse(session.createdAt);
  if (age > RECENT_PROOF_MINUTES * 60_000) {
    throw new FerryError(
      'reauthentication_required',
      'the session proved the password too long ago to change a verification method',
    );
  }
}
