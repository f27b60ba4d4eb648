import { isMember } from '../directory/groups.js';
import {
  getPasswordResetSettings,
  type PasswordResetSettings,
} from '../directory/password-reset-settings.js';
import { findUserByUpn } from '../directory/users.js';
import type { VerificationMethods } from '../directory/verification-methods.js';
import type { Database, UserRow } from '../store/tables.js';
import { FerryError } from '../util/ferry-error.js';
import { resetPolicyFor } from './admin-policy.js';
import { decoyGates } from './decoy-gates.js';
import { maskEmail, maskPhone, type Gate } from './gate.js';
import type { DoomedReason, SsprFlow } from './sspr-flows.js';
import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { SsprKit } from './sspr-kit.js';

/** What opening a flow reads: the tenant's settings, the user and their methods. */
export interface StartFlowServices {
  readonly db: Kysely<Database>;
  readonly defaultTenantId: string;
  readonly sspr: SsprKit;
  readonly methods: VerificationMethods;
}

export interface StartedFlow {
  readonly token: Secret;
  readonly flow: SsprFlow;
  readonly user: UserRow | undefined;
}

/**
 * Opens a reset flow for whatever name was typed. A name that cannot reset (no such user,
 * disabled, out of the SSPR scope, too few methods) gets a flow of the same shape with
 * decoy gates: it fails only at verification, with the same error as a wrong code. Only the
 * flow row and the audit row know the true reason.
 */
export async function startFlow(services: StartFlowServices, upn: string): Promise<StartedFlow> {
  const tenantId = services.defaultTenantId;
  const tenantSettings = await getPasswordResetSettings(services.db, tenantId);
  if (tenantSettings.ssprEnabled === 'none') {
    throw new FerryError('sspr_disabled', 'self-service password reset is off for the tenant');
  }
  const upnLower = upn.toLowerCase();
  const user = await findUserByUpn(services.db, tenantId, upnLower);
  // An admin resets under the administrator policy (two gates, no security questions).
  const settings = user ? await resetPolicyFor(services.db, tenantSettings, user) : tenantSettings;
  const real = user ? await realGates(services, settings, user) : [];
  const reason: DoomedReason | null = !user
    ? 'unknown_user'
    : user.enabled !== 1
      ? 'disabled_user'
      : !(await inScope(services, settings, user))
        ? 'out_of_scope'
        : real.length < settings.methodsRequired
          ? 'too_few_methods'
          : null;
  const gates = reason ? decoyGates(services.sspr.decoyKey, upnLower, tenantSettings) : real;
  const { token, flow } = await services.sspr.flows.create({
    tenantId,
    userId: user?.id ?? null,
    upnLower,
    doomedReason: reason,
    required: settings.methodsRequired,
    gates,
  });
  return { token, flow, user };
}

export async function inScope(
  services: { readonly db: Kysely<Database> },
  settings: PasswordResetSettings,
  user: UserRow,
): Promise<boolean> {
  if (settings.ssprEnabled === 'all') return true;
  if (settings.ssprEnabled === 'none' || !settings.ssprGroupId) return false;
  return isMember(services.db, user.tenant_id, settings.ssprGroupId, user.id);
}

/** The user's registered methods that the settings allow, in the settings' order. */
async function realGates(
  services: StartFlowServices,
  settings: PasswordResetSettings,
  user: UserRow,
): Promise<Gate[]> {
  const methods = await services.methods.list(user.tenant_id, user.id);
  const gates: Gate[] = [];
  for (const kind of settings.methodsAllowed) {
    const method = methods.find((candidate) => candidate.kind === kind);
    if (!method) continue;
    const hint =
      kind === 'email' && method.value
        ? maskEmail(method.value)
        : kind === 'phone' && method.value
          ? maskPhone(method.value)
          : null;
    gates.push({ kind, hint });
  }
  return gates;
}
