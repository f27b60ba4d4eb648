import { Secret } from '@ferry/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MethodRegistration, type ContactKind } from '../../me/method-registration.js';
import { requireRecentProof } from '../../me/recent-proof.js';
import {
  methodNoticeRecipients,
  notifyInBackground,
  notifyMethodChanged,
} from '../../notify/notifications.js';
import {
  SECURITY_QUESTIONS_REQUIRED,
  securityQuestionCatalog,
} from '../../me/security-question-catalog.js';
import { currentUser, requireUser } from '../authenticate-user.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import { email, methodKindSchema, okSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { codeField, phoneNumber, secretField, sentSchema } from './me-schemas.js';

const contactBodies = {
  email: z.object({ address: email }).strict(),
  phone: z.object({ number: phoneNumber }).strict(),
} as const;

const securityAnswers = z
  .object({
    answers: z
      .array(
        z
          .object({
            question: z.enum(securityQuestionCatalog as [string, ...string[]]),
            answer: secretField.refine(
              (value) => value.trim().length >= 3,
              'at least 3 characters',
            ),
          })
          .strict(),
      )
      .min(SECURITY_QUESTIONS_REQUIRED)
      .max(securityQuestionCatalog.length)
      .refine(
        (answers) => new Set(answers.map((a) => a.question)).size === answers.length,
        'each question once',
      ),
  })
  .strict();

/** The user registers and removes their own verification methods. */
export function meMethodRoutes(app: ZodApp, services: Services): void {
  const signedIn = requireUser(services);
  const perMinute = credentialRoutesPerMinute(services.config);
  const registration = (request: FastifyRequest) =>
    new MethodRegistration(services, { sourceIp: request.ip, requestId: request.id });
  /** The signed-in user, once their session proved the password recently enough. */
  const provenUser = (request: FastifyRequest) => {
    const signed = currentUser(request);
    requireRecentProof(services.clock, signed.session);
    return signed.user;
  };
  /** Runs a change of methods, then tells the contacts the user had before it. */
  const changeMethods = async (
    request: FastifyRequest,
    change: { kind: string; verb: 'registered' | 'removed' },
    work: () => Promise<unknown>,
  ) => {
    const { user } = currentUser(request);
    const recipients = await methodNoticeRecipients(services.db, user);
    await work();
    notifyInBackground(
      request.log,
      notifyMethodChanged(services, user, recipients, change, request.log),
    );
  };

  for (const kind of ['email', 'phone'] as const satisfies readonly ContactKind[]) {
    app.post(
      `/api/v1/me/methods/${kind}`,
      {
        onRequest: signedIn,
        config: { rateLimit: { max: perMinute, timeWindow: 60_000 } },
        schema: {
          tags: ['me'],
          summary: `Send a code to a new ${kind === 'email' ? 'address' : 'number'}; confirm it next.`,
          body: contactBodies[kind],
          response: { 200: sentSchema },
        },
      },
      async (request) => {
        const body = request.body as { address?: string; number?: string };
        const value = kind === 'email' ? body.address! : body.number!;
        await registration(request).startContact(provenUser(request), kind, value);
        return { sent: true as const };
      },
    );

    app.post(
      `/api/v1/me/methods/${kind}/confirm`,
      {
        onRequest: signedIn,
        config: { rateLimit: { max: perMinute, timeWindow: 60_000 } },
        schema: {
          tags: ['me'],
          summary: `Register the ${kind} with the code sent to it.`,
          body: z.object({ code: codeField }).strict(),
          response: { 200: okSchema },
        },
      },
      async (request) => {
        await changeMethods(request, { kind, verb: 'registered' }, () =>
          registration(request).confirmContact(
            currentUser(request).user,
            kind,
            Secret.of(request.body.code),
          ),
        );
        return { ok: true as const };
      },
    );
  }

  app.post(
    '/api/v1/me/methods/totp',
    {
      onRequest: signedIn,
      config: { rateLimit: { max: perMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['me'],
        summary: 'Start registering an authenticator app: the otpauth URI and its QR code (SVG).',
        response: { 200: z.object({ otpauthUri: z.string(), qrSvg: z.string() }) },
      },
    },
    async (request) => {
      const started = await registration(request).startTotp(provenUser(request));
      return { otpauthUri: started.otpauthUri.reveal(), qrSvg: started.qrSvg };
    },
  );

  app.post(
    '/api/v1/me/methods/totp/confirm',
    {
      onRequest: signedIn,
      config: { rateLimit: { max: perMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['me'],
        summary: 'Activate the authenticator app with its first code.',
        body: z.object({ code: codeField }).strict(),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      await changeMethods(request, { kind: 'totp', verb: 'registered' }, () =>
        registration(request).confirmTotp(currentUser(request).user, Secret.of(request.body.code)),
      );
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/me/methods/security_questions/catalog',
    {
      onRequest: signedIn,
      schema: {
        tags: ['me'],
        summary: 'The questions to choose from and how many to answer.',
        response: {
          200: z.object({ questions: z.array(z.string()), required: z.number().int() }),
        },
      },
    },
    async () => ({
      questions: [...securityQuestionCatalog],
      required: SECURITY_QUESTIONS_REQUIRED,
    }),
  );

  app.put(
    '/api/v1/me/methods/security_questions',
    {
      onRequest: signedIn,
      config: { rateLimit: { max: perMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['me'],
        summary: 'Register answers to security questions of the catalog (replaces earlier ones).',
        body: securityAnswers,
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const user = provenUser(request);
      await changeMethods(request, { kind: 'security_questions', verb: 'registered' }, () =>
        registration(request).setSecurityQuestions(
          user,
          request.body.answers.map(({ question, answer }) => ({
            question,
            answer: Secret.of(answer),
          })),
        ),
      );
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/v1/me/methods/:kind',
    {
      onRequest: signedIn,
      schema: {
        tags: ['me'],
        summary: 'Remove one of your verification methods.',
        params: z.object({ kind: methodKindSchema }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const user = provenUser(request);
      await changeMethods(request, { kind: request.params.kind, verb: 'removed' }, () =>
        registration(request).remove(user, request.params.kind),
      );
      return { ok: true as const };
    },
  );
}
