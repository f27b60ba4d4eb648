import { defaultCloudPolicy, effectivePolicy, locales } from '@ferry/policy';
import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { passwordUserOf } from '../../directory/password-user.js';
import { findUser } from '../../directory/users.js';
import { changeOwnPassword } from '../../me/change-own-password.js';
import { notifyInBackground, notifyPasswordChanged } from '../../notify/notifications.js';
import { checkUserPassword, PasswordRefusal } from '../../oidc/sign-in/authenticate-password.js';
import { outcomeError } from '../../relay/outcome-error.js';
import { FerryError } from '../../util/ferry-error.js';
import { toPolicyItems } from '../policy-items.js';
import { upn } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { passwordCheckItemSchema, secretField } from './me-schemas.js';
import { signInParams, signInStateSchema } from './sign-in-schemas.js';
import { createSignInContext } from './sign-in-context.js';
import { signInStepRoutes } from './sign-in-steps.js';

/**
 * The sign-in pages' API: the provider sends the browser to `/api/v1/sign-in/<uid>` (its
 * interaction cookie is scoped to that path, or to `/` when cookies are hardened), which forwards to the page `/signin/<uid>`; the
 * page walks the steps through these calls. Every call finds the interaction through that
 * cookie, so a sign-in started in one browser cannot be finished in another; every step also
 * carries the page's CSRF token.
 */
export function signInRoutes(app: ZodApp, services: Services): void {
  const context = createSignInContext(app, services);
  const {
    db,
    clock,
    tenantId,
    perMinute,
    flow,
    passwordDeps,
    interactionOf,
    step,
    userOf,
    withRegistrationSession,
    stepSchema,
    limited,
  } = context;

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
        // The right password, but AD wants it changed first: the row says so, the change
        // screen follows (its own row says how the change went).
        await flow.audit(record, undefined, result.user, result.reason, source, {
          reason: result.reason,
          source: result.user.source,
          operationId: result.operationId ?? null,
        });
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
      if (outcome.code !== 'applied') throw outcomeError(outcome, 'force_change');
      notifyInBackground(request.log, notifyPasswordChanged(services, user, request.log));
      // The row now holds the new password's date: what the session is checked against.
      const changed = (await findUser(db, tenantId, user.id)) ?? user;
      const view = await flow.proceed(record, interaction, changed, ['pwd'], source);
      return withRegistrationSession(request, reply, view, user.id);
    },
  );

  signInStepRoutes(app, context);
}
