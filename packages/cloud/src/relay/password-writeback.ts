import { defaultCloudPolicy, effectivePolicy, toViolations } from '@ferry/policy';
import type { OperationKind, Outcome, Secret } from '@ferry/protocol';
import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import type { Kysely } from 'kysely';
import type { PasswordChecks } from '../password-checks/password-checks.js';
import type { Database, UserRow } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { passwordUserOf } from '../directory/password-user.js';
import type { OnlineAgent } from './agent-store.js';
import type { OperationRelay } from './operation-relay.js';
import type { UserDirectoryPolicies } from './user-directory-policy.js';

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
const RESETS = new Set<OperationKind>(['sspr_reset', 'admin_reset']);

/**
 * A password operation on a synced user: the tenant's gates, then the agent through the
 * relay. The rules the cloud can check itself run while the operation travels (the agent
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
      ? { precheck: (online) => precheck(services, request, newPassword, online) }
      : {}),
  });
  if (result.outcome.code === 'applied' && WRITES.has(request.kind)) {
    const now = services.clock.now().toISOString();
    const passwordWritten = request.kind !== 'unlock';
    const unlocked = request.kind === 'unlock' || request.options?.unlock !== false;
    const updated = await services.db
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
      .executeTakeFirst();
    return { ...result, user: updated };
  }
  return result;
}

/**
 * The rules the cloud knows: its own policy always; the directory's too when it is known
 * without a round trip — the domain policy when no fine-grained policy exists, or the
 * user's PSO a portal just read (else a PSO might be looser than the domain's, and only AD
 * knows which applies).
 */
async function precheck(
  services: WritebackServices,
  request: WritebackRequest,
  password: Secret,
  online: readonly OnlineAgent[],
): Promise<Outcome | undefined> {
  const now = services.clock.now();
  // What is known without asking an agent (the domain policy, or this user's PSO when a
  // portal read it moments ago): AD stays the judge of the rest.
  const facts = await services.directoryPolicies.facts(request.user, { ask: false, online });
  // An account AD refuses whatever the password is said first, as the agent would.
  if (facts.account?.protected && RESETS.has(request.kind)) return { code: 'protected_account' };
  if (facts.account?.enabled === false && request.kind === 'sspr_reset') {
    return { code: 'account_disabled' };
  }
  const directory = facts.policy;
  const evaluation = await services.passwordChecks.evaluate({
    password,
    policy: effectivePolicy(defaultCloudPolicy, directory),
    user: passwordUserOf(request.user),
    operation:
      request.kind === 'change'
        ? 'change'
        : request.kind === 'sspr_reset'
          ? 'self_service_reset'
          : 'admin_reset',
    now,
  });
  return evaluation.ok ? undefined : { code: 'policy_violation', rules: toViolations(evaluation) };
}
