import type { OperationKind, Outcome, Secret } from '@ferry/protocol';
import { clearGuessCounters } from '../auth/guess-guard.js';
import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import type { Kysely } from 'kysely';
import type { PasswordChecks } from '../password-checks/password-checks.js';
import { STORE_RESTART_WAIT_MS, retryWhileUnreachable } from '../store/store-unreachable.js';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import type { OperationRelay } from './operation-relay.js';
import type { UserDirectoryPolicies } from './user-directory-policy.js';
import { writebackPrecheck } from './writeback-precheck.js';

/** What a writeback needs: the tenant's gates, the relay, and the cloud's own rules. */
export interface WritebackServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly relay: OperationRelay;
  readonly directoryPolicies: UserDirectoryPolicies;
  readonly passwordChecks: PasswordChecks;
}

export interface WritebackRequest {
  readonly kind: Exclude<OperationKind, 'verify_credentials'> | 'verify_credentials';
  readonly user: UserRow;
  readonly newPassword?: Secret;
  readonly currentPassword?: Secret;
  readonly options?: { readonly unlock?: boolean; readonly mustChangeAtNextLogon?: boolean };
  /** A user acting on their own account (SSPR, unlock, change) rather than an admin. */
  readonly selfService: boolean;
  readonly requestedBy: string | null;
}

export interface WritebackResult {
  readonly outcome: Outcome;
  readonly operationId: string | undefined;
  readonly agentId: string | undefined;
  /** The user's row as the cloud now holds it, after a write AD applied. */
  readonly user?: UserRow | undefined;
}

const WRITES = new Set<OperationKind>(['sspr_reset', 'admin_reset', 'change', 'unlock']);

/**
 * A password operation on a synced user: the tenant's gates, then the agent through the
 * relay. The rules the cloud can check itself (writeback-precheck.ts) run while it travels (the agent
 * cannot claim it until they pass, and a refusal cancels it), so the user hears about them
 * without an AD round trip and without waiting for both. The cloud's copy of the user
 * follows what AD did.
 */
export async function writeback(
  services: WritebackServices,
  request: WritebackRequest,
): Promise<WritebackResult> {
  const { user } = request;
  const none = { operationId: undefined, agentId: undefined };
  if (user.source !== 'synced' || !user.source_anchor) {
    return { ...none, outcome: { code: 'user_not_found', detail: 'not a synced user' } };
  }
  const settings = await getPasswordResetSettings(services.db, user.tenant_id);
  if (WRITES.has(request.kind) && !settings.onPremises.writebackEnabled) {
    return { ...none, outcome: { code: 'writeback_disabled', scope: 'tenant' } };
  }
  if (
    request.kind === 'unlock' &&
    request.selfService &&
    !settings.onPremises.unlockWithoutResetEnabled
  ) {
    return { ...none, outcome: { code: 'unlock_disabled' } };
  }
  const newPassword = request.newPassword;
  const result = await services.relay.submit({
    tenantId: user.tenant_id,
    kind: request.kind,
    target: { by: 'objectGUID', value: user.source_anchor },
    options: request.options ?? {},
    secrets: { newPassword, currentPassword: request.currentPassword },
    requestedBy: request.requestedBy,
    // Checked while the agent looks the user up; no agent writes before it passes.
    ...(newPassword
      ? { precheck: (online) => writebackPrecheck(services, request, newPassword, online) }
      : {}),
  });
  if (result.outcome.code === 'applied' && WRITES.has(request.kind)) {
    const now = services.clock.now().toISOString();
    const passwordWritten = request.kind !== 'unlock';
    const unlocked = request.kind === 'unlock' || request.options?.unlock !== false;
    // AD applied it: a restarting PostgreSQL is waited for, so the caller hears `applied`.
    const deadline = Date.now() + STORE_RESTART_WAIT_MS;
    const updated = await retryWhileUnreachable(
      () =>
        services.db
          .updateTable('users')
          .set({
            ...(passwordWritten
              ? { password_last_set_at: request.options?.mustChangeAtNextLogon ? null : now }
              : {}),
            ...(unlocked ? { locked_out: 0 } : {}),
            updated_at: now,
          })
          .where('id', '=', user.id)
          .where('tenant_id', '=', user.tenant_id)
          .returningAll()
          .executeTakeFirst(),
      deadline,
    );
    // An unlock or a password set unlocked clears every guess counter of the user (ADR 0014).
    if (unlocked)
      await retryWhileUnreachable(
        () => clearGuessCounters(services.db, user.tenant_id, user.id),
        deadline,
      );
    return { ...result, user: updated };
  }
  return result;
}
