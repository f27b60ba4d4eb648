import type { Change } from 'ldapts';
import { isConnectionFailure } from '../connection-errors.js';
import type { Clock } from '../dc-endpoints.js';
import { carriesOperation, fenceToken, isFenced, markerChanges } from './write-marker.js';

/** What makes a write conditional: the operation it carries, and when it may no longer start. */
export interface WriteGuard {
  readonly operationId: string;
  /** The operation's expiry: no modify is sent from this instant on. */
  readonly notAfter: Date;
  /**
   * An earlier attempt (another agent's, or this one's before a crash) may have sent a write:
   * at expiry, without the id in the marker, the answer is then "unknown", not "nothing
   * changed" — that write may still be on its way.
   */
  readonly afterLostAttempt?: boolean;
}

export interface GuardedWriteContext {
  readonly attribute: string;
  readonly clock: Clock;
  /** Sends one modify; calls `sending` once it is about to go out on a bound connection. */
  readonly send: (changes: Change[], sending: () => void) => Promise<void>;
  /** The marker as the DC holds it now. */
  readonly readMarker: () => Promise<string | undefined>;
}

export type GuardedWriteResult =
  /** The operation is in the directory: written now, or by an earlier attempt. */
  | { readonly kind: 'applied' }
  /** The DC refused the write for its own reasons (policy, rights…): nothing was written. */
  | { readonly kind: 'refused'; readonly error: unknown }
  /** A modify may have reached the DC and nobody can tell whether it landed. */
  | { readonly kind: 'unknown'; readonly error: unknown }
  /** The operation expired before any modify went out: nothing was written. */
  | { readonly kind: 'expired' }
  /**
   * The cloud fenced the operation at its expiry (ADR 0016): nothing was written, and nothing
   * may be tried again.
   */
  | { readonly kind: 'fenced' };

const MAX_ATTEMPTS = 20;

/**
 * Writes `changes` at most once for the operation: each modify also swaps the marker value
 * last read for one carrying the operation's id, so it fails as a whole when any other write
 * (another agent's attempt at the same operation included) came first. After a failure the
 * marker is read again: it carries the id (the operation landed: applied), it moved (another
 * operation landed: try again on the new value), or it is unchanged (the DC's own refusal, or
 * a lost connection: a resend is as conditional as the lost modify, so only one can land).
 */
export async function guardedWrite(
  context: GuardedWriteContext,
  guard: WriteGuard,
  markerAtLookup: string | undefined,
  changes: readonly Change[],
): Promise<GuardedWriteResult> {
  let marker = markerAtLookup;
  let maybeSent = false;
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (carriesOperation(marker, guard.operationId)) return { kind: 'applied' };
    // A modify that failed because the fence moved the marker is never sent again.
    if (isFenced(marker, guard.operationId)) return { kind: 'fenced' };
    if (context.clock.now() >= guard.notAfter) {
      // The marker as it is now says whether an earlier write landed; if not, one may still
      // be on its way unless no write was ever sent.
      const now = attempt === 0 ? await context.readMarker().catch(() => marker) : marker;
      if (carriesOperation(now, guard.operationId)) return { kind: 'applied' };
      if (isFenced(now, guard.operationId)) return { kind: 'fenced' };
      if (maybeSent || guard.afterLostAttempt) return { kind: 'unknown', error: lastError };
      return { kind: 'expired' };
    }
    let sending = false;
    try {
      await context.send(
        [...markerChanges(context.attribute, marker, guard.operationId), ...changes],
        () => {
          sending = true;
        },
      );
      return { kind: 'applied' };
    } catch (error) {
      lastError = error;
      // An LDAP result means the DC refused this modify as a whole; a broken connection after
      // sending means it may still land.
      const lost = isConnectionFailure(error);
      if (lost && sending) maybeSent = true;
      let now: string | undefined;
      try {
        now = await context.readMarker();
      } catch {
        return maybeSent ? { kind: 'unknown', error } : { kind: 'refused', error };
      }
      if (carriesOperation(now, guard.operationId)) return { kind: 'applied' };
      if (now !== marker) {
        marker = now;
        continue;
      }
      if (lost) continue;
      return { kind: 'refused', error };
    }
  }
  return maybeSent ? { kind: 'unknown', error: lastError } : { kind: 'refused', error: lastError };
}

export type FenceResult =
  /** The marker carries the fence token now (or already did): no write of it can land. */
  | { readonly kind: 'landed' }
  /** The marker names the fenced operation: it was written before the fence. */
  | { readonly kind: 'written' }
  /** The DC refused the fence (rights…): nothing is known of a late write. */
  | { readonly kind: 'refused'; readonly error: unknown }
  /** The fence may have been sent and cannot be confirmed, or its own time ran out. */
  | { readonly kind: 'unconfirmed'; readonly error: unknown };

/**
 * Fences a user's marker against an operation the cloud gave up on (ADR 0016): one modify that
 * swaps the marker value read for one carrying `!<id>` and touches nothing else. It is as
 * conditional as a write, so exactly one of the fence and a late write of that operation can
 * land, and the marker tells which: the id (written) or the token (landed). Idempotent: a
 * fence sent twice leaves one token.
 */
export async function guardedFence(
  context: GuardedWriteContext,
  fencedOperationId: string,
  notAfter: Date,
  markerAtLookup: string | undefined,
): Promise<FenceResult> {
  let marker = markerAtLookup;
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (carriesOperation(marker, fencedOperationId)) return { kind: 'written' };
    if (isFenced(marker, fencedOperationId)) return { kind: 'landed' };
    if (context.clock.now() >= notAfter) return { kind: 'unconfirmed', error: lastError };
    try {
      await context.send(
        markerChanges(context.attribute, marker, fenceToken(fencedOperationId)),
        () => undefined,
      );
      return { kind: 'landed' };
    } catch (error) {
      lastError = error;
      let now: string | undefined;
      try {
        now = await context.readMarker();
      } catch {
        return { kind: 'unconfirmed', error };
      }
      if (now !== marker) {
        marker = now;
        continue;
      }
      // Unchanged: a lost connection is sent again (as conditional); an LDAP answer is the
      // DC's own refusal.
      if (isConnectionFailure(error)) continue;
      return { kind: 'refused', error };
    }
  }
  return { kind: 'unconfirmed', error: lastError };
}
