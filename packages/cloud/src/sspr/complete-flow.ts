import { toViolations } from '@ferry/policy';
import type { Outcome, Secret } from '@ferry/protocol';
import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import { findUser, setCloudPassword, unlockCloudUser } from '../directory/users.js';
import {
  notifyInBackground,
  notifyPasswordReset,
  type NotifyLog,
  type NotifyServices,
} from '../notify/notifications.js';
import { writeback, type WritebackServices } from '../relay/password-writeback.js';
import type { UserRow } from '../store/tables.js';
import { FerryError } from '../util/ferry-error.js';
import { resetPolicyFor } from './admin-policy.js';
import type { SsprFlow } from './sspr-flows.js';
import { inScope } from './start-flow.js';
import type { SsprKit } from './sspr-kit.js';
import { evaluateForReset, type ResetPolicyServices } from './user-policy.js';

/** What ending a flow needs: the flow store, the writeback, the rules, the notification. */
export interface CompleteFlowServices
  extends WritebackServices, ResetPolicyServices, NotifyServices {
  readonly sspr: SsprKit;
}

/**
 * The user behind a flow that passed its gates, still enabled and in scope; anything else
 * is `verification_required` (a doomed flow never passes, so it ends here too).
 */
export async function verifiedUser(
  services: Pick<CompleteFlowServices, 'db'>,
  flow: SsprFlow,
): Promise<UserRow> {
  const passedEnough = flow.passed.length >= flow.required;
  const user =
    !flow.doomedReason && flow.userId && passedEnough
      ? await findUser(services.db, flow.tenantId, flow.userId)
      : undefined;
  const tenantSettings = await getPasswordResetSettings(services.db, flow.tenantId);
  // The rules now, not at the flow's start: an admin may have raised the number of methods
  // or withdrawn one since, or the user may have been given an admin role.
  const settings = user ? await resetPolicyFor(services.db, tenantSettings, user) : tenantSettings;
  const stillEnough =
    flow.passed.filter((kind) => settings.methodsAllowed.includes(kind)).length >=
    Math.max(flow.required, settings.methodsRequired);
  if (!user || user.enabled !== 1 || !stillEnough || !(await inScope(services, settings, user))) {
    throw new FerryError('verification_required', 'the flow has not passed its gates');
  }
  return user;
}

export interface Completion {
  readonly outcome: Outcome;
  readonly operationId: string | null;
}

/**
 * Sets the new password: through the agent for a synced user (kind sspr_reset, which also
 * unlocks, as in Entra), as an Argon2id hash for a cloud-only user. An applied reset ends
 * the flow and tells the user by mail.
 */
export async function resetPassword(
  services: CompleteFlowServices,
  flow: SsprFlow,
  user: UserRow,
  newPassword: Secret,
  log: NotifyLog,
): Promise<Completion> {
  return exclusively(services, flow, async () => {
    const completion = await setPassword(services, user, newPassword);
    if (completion.outcome.code === 'applied') {
      notifyInBackground(log, notifyPasswordReset(services, user, log));
    }
    return completion;
  });
}

async function setPassword(
  services: CompleteFlowServices,
  user: UserRow,
  newPassword: Secret,
): Promise<Completion> {
  let completion: Completion;
  if (user.source === 'synced') {
    const result = await writeback(services, {
      kind: 'sspr_reset',
      user,
      newPassword,
      options: { unlock: true },
      selfService: true,
      requestedBy: user.id,
    });
    completion = { outcome: result.outcome, operationId: result.operationId ?? null };
  } else {
    const evaluation = await evaluateForReset(services, user, newPassword);
    if (evaluation.ok) {
      await setCloudPassword(services.db, services.clock, user.tenant_id, user.id, newPassword);
    }
    completion = {
      outcome: evaluation.ok
        ? { code: 'applied' }
        : { code: 'policy_violation', rules: toViolations(evaluation) },
      operationId: null,
    };
  }
  return completion;
}

/** Unlocks without a reset, when the tenant allows it (`unlock_disabled` otherwise). */
export function unlockAccount(
  services: CompleteFlowServices,
  flow: SsprFlow,
  user: UserRow,
): Promise<Completion> {
  return exclusively(services, flow, () => unlock(services, user));
}

async function unlock(services: CompleteFlowServices, user: UserRow): Promise<Completion> {
  let completion: Completion;
  if (user.source === 'synced') {
    const result = await writeback(services, {
      kind: 'unlock',
      user,
      selfService: true,
      requestedBy: user.id,
    });
    completion = { outcome: result.outcome, operationId: result.operationId ?? null };
  } else {
    const settings = await getPasswordResetSettings(services.db, user.tenant_id);
    if (settings.onPremises.unlockWithoutResetEnabled) {
      await unlockCloudUser(services.db, services.clock, user.tenant_id, user.id);
    }
    completion = {
      outcome: settings.onPremises.unlockWithoutResetEnabled
        ? { code: 'applied' }
        : { code: 'unlock_disabled' },
      operationId: null,
    };
  }
  return completion;
}

/**
 * One reset or unlock per flow at a time: the flow is taken (ended) first, so a second
 * request of the same flow cannot write too; it is given back when nothing was applied.
 */
async function exclusively(
  services: CompleteFlowServices,
  flow: SsprFlow,
  work: () => Promise<Completion>,
): Promise<Completion> {
  if (!(await services.sspr.flows.claim(flow))) {
    throw new FerryError('flow_expired', 'the flow is already completing a reset or unlock');
  }
  let completion: Completion | undefined;
  try {
    completion = await work();
    return completion;
  } finally {
    if (completion?.outcome.code !== 'applied') await services.sspr.flows.release(flow);
  }
}
