import { defaultCloudPolicy, effectivePolicy, locales } from '@ferry/policy';
import { Secret } from '@ferry/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Interaction } from 'oidc-provider';
import { z } from 'zod';
import { getPasswordResetSettings } from '../../directory/password-reset-settings.js';
import { passwordUserOf } from '../../directory/password-user.js';
import { findUser } from '../../directory/users.js';
import { changeOwnPassword } from '../../me/change-own-password.js';
import { registrationState } from '../../me/registration-state.js';
import { notifyInBackground, notifyPasswordChanged } from '../../notify/notifications.js';
import { checkUserPassword, PasswordRefusal } from '../../oidc/sign-in/authenticate-password.js';
import { createPasswordGuard } from '../../oidc/sign-in/password-guard.js';
import { sendSignInCode, verifySecondFactor } from '../../oidc/sign-in/second-factor.js';
import { proofAmr, SignInFlow } from '../../oidc/sign-in/sign-in-flow.js';
import { amrOf, SignInRecords, type SignInRecord } from '../../oidc/sign-in/sign-in-records.js';
import type { SignInView } from '../../oidc/sign-in/sign-in-view.js';
import { outcomeError } from '../../relay/outcome-error.js';
import { writeback } from '../../relay/password-writeback.js';
import { Throttle } from '../../sspr/throttle.js';
import type { UserRow } from '../../store/tables.js';
import { FerryError } from '../../util/ferry-error.js';
import { authenticateUser, setUserSessionCookies } from '../authenticate-user.js';
import { CSRF_HEADER } from '../cookies.js';
import { toPolicyItems } from '../policy-items.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import { upn } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { codeField, passwordCheckItemSchema, secretField } from './me-schemas.js';
import { signInParams, signInStateSchema, signInViewSchema } from './sign-in-schemas.js';

type Params = { uid: string };

/**
 * The sign-in pages' API: the provider sends the browser to `/api/v1/sign-in/<uid>` (its
 * interaction cookie is scoped to that path), which forwards to the page `/signin/<uid>`; the
 * page walks the steps through these calls. Every call finds the interaction through that
 * cookie, so a sign-in started in one browser cannot be finished in another; every step also
 * carries the page's CSRF token.
 */
export function signInRoutes(app: ZodApp, services: Services): void {
  const { db, clock, random, audit, methods, defaultTenantId: tenantId } = services;
  const perMinute = credentialRoutesPerMinute(services.config);
  const guard = createPasswordGuard(services);
  const flow = new SignInFlow({
    db,
    clock,
    audit,
    tenantId,
    records: new SignInRecords(db, clock, random),
    methods,
    registration: async (user) =>
      registrationState(
        db,
        await getPasswordResetSettings(db, user.tenant_id),
        user,
        await methods.list(user.tenant_id, user.id),
      ),
  });
  const passwordDeps = {
    db,
    guard,
    verifySyncedPassword: async (user: UserRow, password: Secret) =>
      writeback(services, {
        kind: 'verify_credentials',
        user,
        currentPassword: password,
        selfService: true,
        requestedBy: user.id,
      }),
  };
  const factorDeps = {
    db,
    clock,
    methods,
    codes: services.codes,
    mailer: services.mailer,
    sms: services.sms,
    throttle: new Throttle(db, clock),
    guard,
    log: app.log,
  };

  /** The interaction this browser holds (its cookie), which must be the one in the URL. */
  async function interactionOf(request: FastifyRequest, reply: FastifyReply): Promise<Interaction> {
    const { uid } = request.params as Params;
    let interaction: Interaction;
    try {
      interaction = await services.oidc.provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof FerryError) throw error;
      throw new FerryError('sign_in_expired', `no interaction: ${(error as Error).message}`);
    }
    if (interaction.uid !== uid)
      throw new FerryError('sign_in_expired', 'interaction cookie of another sign-in');
    return interaction;
  }

  /** A step: the interaction, its record (with the page's CSRF token) and the request's source. */
  async function step(request: FastifyRequest, reply: FastifyReply) {
    const interaction = await interactionOf(request, reply);
    const header = request.headers[CSRF_HEADER];
    const record = await flow.recordFor(
      interaction.uid,
      typeof header === 'string' ? header : undefined,
    );
    return { interaction, record, source: { sourceIp: request.ip, requestId: request.id } };
  }

  async function userOf(record: SignInRecord): Promise<UserRow> {
    const user = record.user_id ? await findUser(db, tenantId, record.user_id) : undefined;
    if (!user) throw new FerryError('sign_in_step_invalid', 'no user proved in this sign-in yet');
    return user;
  }

  /**
   * Registration goes through My Account's API: the user, who just proved their password,
   * gets a My Account session for it (as a My Account sign-in would give).
   */
  async function withRegistrationSession(
    request: FastifyRequest,
    reply: FastifyReply,
    view: SignInView,
    userId: string | null,
  ): Promise<z.infer<typeof signInViewSchema>> {
    if (view.stage !== 'register' || !view.registration || !userId) return view;
    const current = await authenticateUser(services, request);
    if (current?.user.id === userId) return view;
    const session = await services.userSessions.issue(tenantId, userId);
    setUserSessionCookies(request, reply, session, services.config.publicUrl);
    return {
      ...view,
      registration: { ...view.registration, csrfToken: session.csrfToken.reveal() },
    };
  }

  const stepSchema = <Body extends z.ZodType>(body: Body) => ({
    tags: ['sign-in'],
    params: signInParams,
    body,
    response: { 200: signInViewSchema },
  });
  const bodilessStep = {
    tags: ['sign-in'],
    params: signInParams,
    response: { 200: signInViewSchema },
  };
  const limited = { rateLimit: { max: perMinute, timeWindow: 60_000 } };

  app.get(
    '/api/v1/sign-in/:uid',
    {
      schema: {
        tags: ['sign-in'],
        summary:
          'Where the OpenID Connect provider sends the browser: forwards to the sign-in page.',
        params: signInParams,
      },
    },
    async (request, reply) =>
      reply.code(303).header('location', `/signin/${request.params.uid}`).send(),
  );

  app.get(
    '/api/v1/sign-in/:uid/state',
    {
      schema: {
        tags: ['sign-in'],
        summary: 'The current step of an application sign-in, with the CSRF token its steps carry.',
        params: signInParams,
        response: { 200: signInStateSchema },
      },
    },
    async (request, reply) => {
      const interaction = await interactionOf(request, reply);
      const opened = await flow.open(interaction);
      const view = await flow.stepUp(opened.record, interaction, {
        sourceIp: request.ip,
        requestId: request.id,
      });
      const record = await flow.recordFor(interaction.uid, opened.csrfToken.reveal());
      return {
        ...(await withRegistrationSession(request, reply, view, record.user_id)),
        csrfToken: opened.csrfToken.reveal(),
      };
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/password',
    {
      config: limited,
      schema: {
        ...stepSchema(z.object({ userPrincipalName: upn, password: secretField }).strict()),
        summary: 'Sign in with a password (synced users: checked by AD through an agent).',
      },
    },
    async (request, reply) => {
      const { interaction, record, source } = await step(request, reply);
      if (record.stage !== 'password')
        throw new FerryError('sign_in_step_invalid', 'password already given');
      let result;
      try {
        result = await checkUserPassword(passwordDeps, {
          tenantId,
          userPrincipalName: request.body.userPrincipalName,
          password: Secret.of(request.body.password),
          source,
        });
      } catch (error) {
        if (!(error instanceof PasswordRefusal)) throw error;
        await flow.audit(
          record,
          undefined,
          error.user,
          error.error.code,
          source,
          {
            reason: error.reason,
            source: error.user?.source ?? null,
            operationId: error.operationId ?? null,
          },
          'oidc.sign_in',
          request.body.userPrincipalName,
        );
        throw error.error;
      }
      if (result.kind === 'must_change') {
        return flow.mustChange(record, interaction, result.user, result.reason);
      }
      const view = await flow.proceed(record, interaction, result.user, ['pwd'], source);
      return withRegistrationSession(request, reply, view, result.user.id);
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/password/check',
    {
      config: { rateLimit: { max: perMinute * 6, timeWindow: 60_000 } },
      schema: {
        tags: ['sign-in'],
        summary:
          'On the change screen: check a candidate password against the user’s own rules (live).',
        params: signInParams,
        body: z
          .object({ password: z.string().max(1024), locale: z.enum(locales).default('en') })
          .strict(),
        response: { 200: z.object({ ok: z.boolean(), items: z.array(passwordCheckItemSchema) }) },
      },
    },
    async (request, reply) => {
      const { record } = await step(request, reply);
      if (record.stage !== 'change_password')
        throw new FerryError('sign_in_step_invalid', 'no change asked');
      const user = await userOf(record);
      const directory = await services.directoryPolicies.forUser(user, { ask: true });
      const evaluation = await services.passwordChecks.evaluate({
        password: Secret.of(request.body.password),
        policy: effectivePolicy(defaultCloudPolicy, directory),
        user: {
          ...(user.given_name ? { givenName: user.given_name } : {}),
          ...(user.family_name ? { surname: user.family_name } : {}),
          ...passwordUserOf(user),
        },
        operation: 'change',
        now: clock.now(),
      });
      return { ok: evaluation.ok, items: toPolicyItems(evaluation, request.body.locale) };
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/password/change',
    {
      config: limited,
      schema: {
        ...stepSchema(
          z.object({ currentPassword: secretField, newPassword: secretField }).strict(),
        ),
        summary:
          'The change AD asks for (must change, expired), written back at once; the sign-in goes on.',
      },
    },
    async (request, reply) => {
      const { interaction, record, source } = await step(request, reply);
      if (record.stage !== 'change_password')
        throw new FerryError('sign_in_step_invalid', 'no change asked');
      const user = await userOf(record);
      const { outcome, operationId } = await changeOwnPassword(
        services,
        user,
        Secret.of(request.body.currentPassword),
        Secret.of(request.body.newPassword),
        source,
      );
      await flow.audit(
        record,
        undefined,
        user,
        outcome.code === 'applied' ? 'success' : outcome.code,
        source,
        { source: user.source, operationId: operationId ?? null },
        'oidc.password_change',
      );
      if (outcome.code !== 'applied') throw outcomeError(outcome);
      notifyInBackground(request.log, notifyPasswordChanged(services, user, request.log));
      // The row now holds the new password's date: what the session is checked against.
      const changed = (await findUser(db, tenantId, user.id)) ?? user;
      const view = await flow.proceed(record, interaction, changed, ['pwd'], source);
      return withRegistrationSession(request, reply, view, user.id);
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/second-factor/send',
    {
      config: limited,
      schema: {
        tags: ['sign-in'],
        summary: 'Send a sign-in code to the user’s registered email address or phone.',
        params: signInParams,
        body: z.object({ kind: z.enum(['email', 'phone']) }).strict(),
        response: { 200: z.object({ sent: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const { record } = await step(request, reply);
      if (record.stage !== 'mfa')
        throw new FerryError('sign_in_step_invalid', 'no second factor asked');
      await sendSignInCode(factorDeps, await userOf(record), request.body.kind, record.uid);
      return { sent: true as const };
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/second-factor/verify',
    {
      config: limited,
      schema: {
        ...stepSchema(
          z.object({ kind: z.enum(['totp', 'email', 'phone']), code: codeField }).strict(),
        ),
        summary:
          'Prove the second factor: an authenticator code, or the code sent by mail or text.',
      },
    },
    async (request, reply) => {
      const { interaction, record, source } = await step(request, reply);
      if (record.stage !== 'mfa')
        throw new FerryError('sign_in_step_invalid', 'no second factor asked');
      const user = await userOf(record);
      try {
        await verifySecondFactor(
          factorDeps,
          user,
          request.body.kind,
          Secret.of(request.body.code),
          record.uid,
          source,
        );
      } catch (error) {
        await flow.audit(
          record,
          undefined,
          user,
          (error as FerryError).code ?? 'internal_error',
          source,
          {
            reason: `second_factor_${request.body.kind}`,
          },
        );
        throw error;
      }
      const amr = [...new Set([...amrOf(record), ...proofAmr(request.body.kind)])];
      const view = await flow.proceed(record, interaction, user, amr, source);
      return withRegistrationSession(request, reply, view, user.id);
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/continue',
    {
      schema: { ...bodilessStep, summary: 'After registering methods: go on with the sign-in.' },
    },
    async (request, reply) => {
      const { interaction, record, source } = await step(request, reply);
      if (record.stage !== 'register')
        throw new FerryError('sign_in_step_invalid', 'no registration asked');
      const user = await userOf(record);
      const view = await flow.proceed(record, interaction, user, amrOf(record), source);
      return withRegistrationSession(request, reply, view, user.id);
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/consent',
    {
      schema: {
        ...stepSchema(z.object({ accept: z.boolean() }).strict()),
        summary: 'Accept or decline what the application asks for (asked once per application).',
      },
    },
    async (request, reply) => {
      const { interaction, record, source } = await step(request, reply);
      return flow.consent(record, interaction, services.oidc.provider, request.body.accept, source);
    },
  );

  app.post(
    '/api/v1/sign-in/:uid/cancel',
    {
      schema: { ...bodilessStep, summary: 'Give up: the application is told the user cancelled.' },
    },
    async (request, reply) => {
      const { interaction, record } = await step(request, reply);
      return flow.cancel(record, interaction);
    },
  );
}
