import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { sendSignInCode, verifySecondFactor } from '../../oidc/sign-in/second-factor.js';
import { proofAmr } from '../../oidc/sign-in/sign-in-flow.js';
import { amrOf } from '../../oidc/sign-in/sign-in-records.js';
import { recordRegistrationReview } from '../../me/registration-review.js';
import { FerryError } from '../../util/ferry-error.js';
import type { ZodApp } from '../zod-schemas.js';
import { codeField } from './me-schemas.js';
import { signInParams } from './sign-in-schemas.js';
import type { SignInContext } from './sign-in-context.js';

/** The steps after the password: second factor, registration done, consent, cancel. */
export function signInStepRoutes(app: ZodApp, context: SignInContext): void {
  const {
    services,
    flow,
    factorDeps,
    step,
    userOf,
    withRegistrationSession,
    stepSchema,
    bodilessStep,
    limited,
  } = context;
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
      // The user saw their security info: an admin's "review at next sign-in" is answered.
      await recordRegistrationReview(services.db, services.clock, user.tenant_id, user.id);
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
