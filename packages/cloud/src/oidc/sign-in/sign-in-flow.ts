import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Interaction } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { AuditLog } from '../../audit/audit-log.js';
import type { AttemptSource } from '../../auth/guess-guard.js';
import { findUser } from '../../directory/users.js';
import type { VerificationMethods } from '../../directory/verification-methods.js';
import type { RegistrationState } from '../../me/registration-state.js';
import type { Database, UserRow } from '../../store/tables.js';
import type { Clock } from '../../util/clock.js';
import { FerryError } from '../../util/ferry-error.js';
import { findApplication, mayUseApplication, type ApplicationRow } from '../applications.js';
import { recordConsent } from '../consents.js';
import type { SignInStage } from '../oidc-tables.js';
import { getSignInSettings } from '../sign-in-settings.js';
import type { SignInRecord, SignInRecords } from './sign-in-records.js';
import { buildSignInView } from './build-sign-in-view.js';
import { recordSignInEvent } from './sign-in-audit.js';
import { SECOND_FACTOR_KINDS, type SecondFactorKind, type SignInView } from './sign-in-view.js';

export interface SignInFlowDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly tenantId: string;
  readonly records: SignInRecords;
  readonly methods: VerificationMethods;
  /** The user's registration state under the password-reset settings (My Account's rule). */
  readonly registration: (user: UserRow) => Promise<RegistrationState>;
}

/** Where a request came from, for audit rows. */
export type RequestSource = AttemptSource;

/**
 * The stages of an application sign-in after the provider hands the browser to Ferry:
 * password (with AD's "must change" handled in place), the second factor the tenant or the
 * application requires, the registration the tenant requires, consent; then the provider
 * gets the result and the browser goes back to the application. Each stage is recorded, and
 * moves on in one conditional UPDATE, so a step replayed or raced does not skip another.
 */
export class SignInFlow {
  constructor(private readonly deps: SignInFlowDeps) {}

  /** The record of this interaction, made on the first visit; with a fresh CSRF token. */
  async open(interaction: Interaction): Promise<{ record: SignInRecord; csrfToken: Secret }> {
    const clientId = String(interaction.params['client_id']);
    const session = interaction.session;
    if (interaction.prompt.name === 'consent' && session) {
      return this.deps.records.open(this.deps.tenantId, interaction.uid, {
        clientId,
        stage: 'consent',
        userId: session.accountId,
        amr: session.amr ?? ['pwd'],
      });
    }
    return this.deps.records.open(this.deps.tenantId, interaction.uid, {
      clientId,
      stage: 'password',
      userId: null,
      amr: [],
    });
  }

  /** The record for a step; the CSRF token must match the one the page was given. */
  async recordFor(uid: string, csrfToken: string | undefined): Promise<SignInRecord> {
    const record = await this.deps.records.find(this.deps.tenantId, uid);
    if (!record) throw new FerryError('sign_in_expired', 'no sign-in record for this interaction');
    if (!this.deps.records.csrfMatches(record, csrfToken)) {
      throw new FerryError('csrf_failed', 'missing or wrong x-csrf-token on a sign-in step');
    }
    return record;
  }

  /**
   * The browser already holds a session and the provider asks again only for a second factor:
   * the password is not asked again, the second factor is (step-up).
   */
  async stepUp(
    record: SignInRecord,
    interaction: Interaction,
    source: RequestSource,
  ): Promise<SignInView> {
    const session = interaction.session;
    const reasons = interaction.prompt.reasons;
    const onlyMfa = reasons.length > 0 && reasons.every((reason) => reason === 'mfa_required');
    if (record.stage !== 'password' || !session || !onlyMfa) return this.view(record, interaction);
    const user = await findUser(this.deps.db, this.deps.tenantId, session.accountId);
    if (!user) return this.view(record, interaction);
    return this.proceed(record, interaction, user, session.amr ?? ['pwd'], source);
  }

  /**
   * After a proof (password, change, second factor, registration done): the next stage this
   * user needs for this application, or the end of the sign-in.
   */
  async proceed(
    record: SignInRecord,
    interaction: Interaction,
    user: UserRow,
    amr: readonly string[],
    source: RequestSource,
  ): Promise<SignInView> {
    const application = await this.#application(record);
    if (!(await mayUseApplication(this.deps.db, application, user.id))) {
      await this.deps.records.close(record);
      await this.audit(record, application, user, 'application_not_assigned', source, {
        reason: 'not_assigned',
      });
      throw new FerryError(
        'application_not_assigned',
        `user ${user.id} is not assigned to ${application.id}`,
      );
    }
    const settings = await getSignInSettings(this.deps.db, this.deps.tenantId);
    const needsSecondFactor =
      (settings.mfaRequired || application.mfa_required === 1) && !amr.includes('mfa');
    if (needsSecondFactor) {
      const usable = (await this.deps.methods.list(user.tenant_id, user.id)).filter((method) =>
        SECOND_FACTOR_KINDS.has(method.kind),
      );
      if (usable.length > 0) return this.#moveTo(record, interaction, 'mfa', user, amr);
      const registration = await this.deps.registration(user);
      if (!registration.allowed.some((kind) => SECOND_FACTOR_KINDS.has(kind))) {
        await this.deps.records.close(record);
        await this.audit(record, application, user, 'mfa_unavailable', source, {
          reason: 'no_method',
        });
        throw new FerryError(
          'mfa_unavailable',
          'second factor required, none registered or allowed',
        );
      }
      return this.#moveTo(record, interaction, 'register', user, amr, 'second_factor');
    }
    const registration = await this.deps.registration(user);
    if (registration.required)
      return this.#moveTo(record, interaction, 'register', user, amr, 'required');
    return this.#finishLogin(record, interaction, application, user, amr, source);
  }

  async #moveTo(
    record: SignInRecord,
    interaction: Interaction,
    stage: SignInStage,
    user: UserRow,
    amr: readonly string[],
    reason: string | null = null,
  ): Promise<SignInView> {
    const moved = await this.deps.records.advance(record, { stage, userId: user.id, amr, reason });
    if (!moved)
      throw new FerryError('sign_in_step_invalid', `sign-in ${record.uid} moved meanwhile`);
    return this.view(moved, interaction);
  }

  /** The change screen (AD said 773 or 532 to the right password). */
  async mustChange(
    record: SignInRecord,
    interaction: Interaction,
    user: UserRow,
    reason: 'must_change_password' | 'password_expired',
  ): Promise<SignInView> {
    return this.#moveTo(record, interaction, 'change_password', user, [], reason);
  }

  async #finishLogin(
    record: SignInRecord,
    interaction: Interaction,
    application: ApplicationRow,
    user: UserRow,
    amr: readonly string[],
    source: RequestSource,
  ): Promise<SignInView> {
    const done = await this.deps.records.advance(record, { stage: 'done', userId: user.id, amr });
    if (!done)
      throw new FerryError('sign_in_step_invalid', `sign-in ${record.uid} moved meanwhile`);
    const redirectTo = await finishInteraction(interaction, {
      login: {
        accountId: user.id,
        amr: [...amr],
        remember: true,
        ts: Math.floor(this.deps.clock.now().getTime() / 1000),
      },
    });
    await this.deps.records.close(done);
    await this.audit(record, application, user, 'success', source, { amr: amr.join(' ') });
    return { ...(await this.view(done, interaction)), redirectTo };
  }

  /** The user accepts (or declines) what the application asks for; accepted once, remembered. */
  async consent(
    record: SignInRecord,
    interaction: Interaction,
    provider: Provider,
    accept: boolean,
    source: RequestSource,
  ): Promise<SignInView> {
    if (record.stage !== 'consent' || !record.user_id) {
      throw new FerryError('sign_in_step_invalid', 'no consent is asked in this sign-in');
    }
    const application = await this.#application(record);
    const user = await findUser(this.deps.db, this.deps.tenantId, record.user_id);
    const done = await this.deps.records.advance(record, { stage: 'done' });
    if (!done || !user)
      throw new FerryError('sign_in_step_invalid', `sign-in ${record.uid} moved meanwhile`);
    if (!accept) {
      const redirectTo = await finishInteraction(interaction, {
        error: 'access_denied',
        error_description: 'the user declined the consent',
      });
      await this.deps.records.close(done);
      await this.audit(record, application, user, 'consent_declined', source, {}, 'oidc.consent');
      return { ...(await this.view(done, interaction)), redirectTo };
    }
    const details = interaction.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
    };
    const existing = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : undefined;
    const grant = existing ?? new provider.Grant({ accountId: user.id, clientId: application.id });
    const scopes = details.missingOIDCScope ?? [];
    if (scopes.length > 0) grant.addOIDCScope(scopes.join(' '));
    if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims);
    const grantId = await grant.save();
    await recordConsent(this.deps.db, this.deps.clock, {
      tenantId: this.deps.tenantId,
      userId: user.id,
      clientId: application.id,
      scopes,
    });
    const redirectTo = await finishInteraction(interaction, { consent: { grantId } });
    await this.deps.records.close(done);
    await this.audit(
      record,
      application,
      user,
      'success',
      source,
      { scopes: scopes.join(' ') },
      'oidc.consent',
    );
    return { ...(await this.view(done, interaction)), redirectTo };
  }

  /** The user gives up: the application hears `access_denied`. */
  async cancel(record: SignInRecord, interaction: Interaction): Promise<SignInView> {
    const redirectTo = await finishInteraction(interaction, {
      error: 'access_denied',
      error_description: 'the user cancelled the sign-in',
    });
    await this.deps.records.close(record);
    return { ...(await this.view(record, interaction)), redirectTo };
  }

  async view(record: SignInRecord, interaction: Interaction): Promise<SignInView> {
    return buildSignInView(this.deps, record, interaction, await this.#application(record));
  }

  async #application(record: SignInRecord): Promise<ApplicationRow> {
    const application = await findApplication(this.deps.db, this.deps.tenantId, record.client_id);
    if (!application)
      throw new FerryError('sign_in_expired', `application ${record.client_id} is gone`);
    return application;
  }

  /** One row per sign-in outcome, per application: the audit log's "sign-ins" view. */
  async audit(
    record: SignInRecord,
    application: ApplicationRow | undefined,
    user: UserRow | undefined,
    result: string,
    source: RequestSource,
    detail: Record<string, string | null>,
    action = 'oidc.sign_in',
    anonymousName?: string,
  ): Promise<void> {
    await recordSignInEvent(this.deps.audit, this.deps.tenantId, {
      record,
      application,
      user,
      result,
      source,
      detail,
      action,
      anonymousName,
    });
  }
}

/** Hands the result to the provider (as `interactionResult` does) and returns where the browser goes. */
async function finishInteraction(
  interaction: Interaction,
  result: Record<string, unknown>,
): Promise<string> {
  interaction.result = result as Interaction['result'];
  const ttl = Math.max(1, interaction.exp - Math.floor(Date.now() / 1000));
  await interaction.save(ttl);
  return interaction.returnTo;
}

export function proofAmr(kind: SecondFactorKind): string[] {
  return ['pwd', kind === 'phone' ? 'sms' : 'otp', 'mfa'];
}
