import type { Kysely } from 'kysely';
import type { Interaction } from 'oidc-provider';
import { findUser } from '../../directory/users.js';
import type { VerificationMethods } from '../../directory/verification-methods.js';
import type { RegistrationState } from '../../me/registration-state.js';
import type { Database, UserRow } from '../../store/tables.js';
import type { ApplicationRow } from '../applications.js';
import type { SignInRecord } from './sign-in-records.js';
import {
  maskedContact,
  SECOND_FACTOR_KINDS,
  type SecondFactorKind,
  type SignInNotice,
  type SignInView,
} from './sign-in-view.js';

export interface ViewDeps {
  readonly db: Kysely<Database>;
  readonly tenantId: string;
  readonly methods: VerificationMethods;
  readonly registration: (user: UserRow) => Promise<RegistrationState>;
}

const NOTICES: readonly SignInNotice[] = [
  'application_not_assigned',
  'account_unavailable',
  'mfa_required',
];

/** What the page shows for the sign-in's stage: the methods to offer, what to register, the scopes to consent to. */
export async function buildSignInView(
  deps: ViewDeps,
  record: SignInRecord,
  interaction: Interaction,
  application: ApplicationRow,
): Promise<SignInView> {
  const user = record.user_id ? await findUser(deps.db, deps.tenantId, record.user_id) : undefined;
  const hint = interaction.params['login_hint'];
  const reasons = interaction.prompt.reasons;
  const base: SignInView = {
    stage: record.stage,
    application: { name: application.name },
    userPrincipalName: user?.upn ?? null,
    loginHint: typeof hint === 'string' ? hint.slice(0, 256) : null,
    notice: NOTICES.find((notice) => reasons.includes(notice)) ?? null,
    mustChange:
      record.stage === 'change_password' &&
      (record.reason === 'must_change_password' || record.reason === 'password_expired')
        ? record.reason
        : null,
    secondFactor: null,
    registration: null,
    consent: null,
    redirectTo: null,
  };
  if (record.stage === 'mfa' && user) {
    const methods = await deps.methods.list(user.tenant_id, user.id);
    return {
      ...base,
      secondFactor: {
        methods: methods
          .filter((method) => SECOND_FACTOR_KINDS.has(method.kind))
          .map((method) => ({
            kind: method.kind as SecondFactorKind,
            hint: maskedContact(method.kind as SecondFactorKind, method.value),
          })),
      },
    };
  }
  if (record.stage === 'register' && user) {
    const registration = await deps.registration(user);
    return {
      ...base,
      registration: {
        reason: record.reason === 'second_factor' ? 'second_factor' : 'required',
        missing: registration.missing,
        allowed: registration.allowed,
      },
    };
  }
  if (record.stage === 'consent') {
    const details = interaction.prompt.details as { missingOIDCScope?: string[] };
    return { ...base, consent: { scopes: details.missingOIDCScope ?? [] } };
  }
  return base;
}
