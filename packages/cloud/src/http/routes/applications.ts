import { z } from 'zod';
import {
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  newApplicationSecret,
  optionalScopes,
  updateApplication,
} from '../../oidc/applications.js';
import {
  getSignInSettings,
  putSignInSettings,
  signInSettingsSchema,
} from '../../oidc/sign-in-settings.js';
import { requireAdmin } from '../authenticate.js';
import { okSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const clientIdParams = z.object({ clientId: z.uuid() });

/** https, or http on the loopback only (a developer's machine), as Entra allows; no fragment. */
const redirectUri = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((value) => {
    const url = new URL(value);
    if (url.hash) return false;
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'must be https (http only for localhost / 127.0.0.1), without a fragment');

const applicationInput = z
  .object({
    name: z.string().trim().min(1).max(256),
    kind: z.enum(['confidential', 'public']),
    redirectUris: z.array(redirectUri).min(1).max(20),
    postLogoutRedirectUris: z.array(redirectUri).max(20).default([]),
    scopes: z
      .array(z.enum(optionalScopes))
      .max(optionalScopes.length)
      .default(['profile', 'email']),
    access: z.enum(['all', 'assigned']).default('all'),
    assignments: z
      .array(z.object({ type: z.enum(['user', 'group']), id: z.uuid() }).strict())
      .max(1000)
      .default([]),
    mfaRequired: z.boolean().default(false),
    tenantConsent: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((value) => new Set(value.scopes).size === value.scopes.length, {
    path: ['scopes'],
    message: 'duplicate scope',
  });

const applicationView = z.object({
  clientId: z.string(),
  name: z.string(),
  kind: z.enum(['confidential', 'public']),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  scopes: z.array(z.enum(optionalScopes)),
  access: z.enum(['all', 'assigned']),
  assignments: z.array(z.object({ type: z.enum(['user', 'group']), id: z.string() })),
  mfaRequired: z.boolean(),
  tenantConsent: z.boolean(),
  enabled: z.boolean(),
  hasSecret: z.boolean(),
  secretCreatedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const keyView = z.object({
  kid: z.string(),
  alg: z.string(),
  createdAt: z.string(),
  activeFrom: z.string(),
  state: z.enum(['next', 'current', 'retired']),
});

/**
 * Applications that sign users in with Ferry (OpenID Connect relying parties), the tenant's
 * sign-in rules, and the provider's signing keys. Reading: any admin; changes: global admins.
 * A client secret is in the answer of the call that made it, and nowhere else.
 */
export function applicationsRoutes(app: ZodApp, services: Services): void {
  const read = requireAdmin(services, 'settings.read');
  const write = requireAdmin(services, 'settings.write');
  const deps = { db: services.db, clock: services.clock, random: services.random };

  app.get(
    '/api/v1/applications',
    {
      onRequest: read,
      schema: {
        tags: ['applications'],
        summary: 'Applications registered for sign-in, with the provider’s issuer URL.',
        response: {
          200: z.object({ issuer: z.string().nullable(), applications: z.array(applicationView) }),
        },
      },
    },
    async (request) => ({
      issuer: services.oidc.issuer ?? null,
      applications: await listApplications(services.db, request.admin!.tenantId),
    }),
  );

  app.get(
    '/api/v1/applications/:clientId',
    {
      onRequest: read,
      schema: {
        tags: ['applications'],
        params: clientIdParams,
        response: { 200: applicationView },
      },
    },
    async (request) =>
      getApplication(services.db, request.admin!.tenantId, request.params.clientId),
  );

  app.post(
    '/api/v1/applications',
    {
      onRequest: write,
      config: { audit: 'application.create' },
      schema: {
        tags: ['applications'],
        summary: 'Register an application; a confidential one gets its client secret here, once.',
        body: applicationInput,
        response: {
          201: z.object({ application: applicationView, clientSecret: z.string().nullable() }),
        },
      },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'application', name: request.body.name };
      const { application, clientSecret } = await createApplication(
        deps,
        request.admin!.tenantId,
        request.body,
      );
      request.auditTarget = {
        type: 'application',
        id: application.clientId,
        name: application.name,
      };
      return reply.code(201).send({ application, clientSecret: clientSecret?.reveal() ?? null });
    },
  );

  app.put(
    '/api/v1/applications/:clientId',
    {
      onRequest: write,
      config: { audit: 'application.update' },
      schema: {
        tags: ['applications'],
        summary: 'Replace an application’s settings (its kind stays).',
        params: clientIdParams,
        body: applicationInput,
        response: { 200: applicationView },
      },
    },
    async (request) => {
      const { tenantId } = request.admin!;
      request.auditTarget = {
        type: 'application',
        id: request.params.clientId,
        name: request.body.name,
      };
      return updateApplication(deps, tenantId, request.params.clientId, request.body);
    },
  );

  app.post(
    '/api/v1/applications/:clientId/secret',
    {
      onRequest: write,
      config: { audit: 'application.secret_reset' },
      schema: {
        tags: ['applications'],
        summary: 'A new client secret, shown once; the previous one stops working at once.',
        params: clientIdParams,
        response: { 200: z.object({ clientSecret: z.string() }) },
      },
    },
    async (request) => {
      const { tenantId } = request.admin!;
      request.auditTarget = { type: 'application', id: request.params.clientId };
      const secret = await newApplicationSecret(deps, tenantId, request.params.clientId);
      return { clientSecret: secret.reveal() };
    },
  );

  app.delete(
    '/api/v1/applications/:clientId',
    {
      onRequest: write,
      config: { audit: 'application.delete' },
      schema: { tags: ['applications'], params: clientIdParams, response: { 200: okSchema } },
    },
    async (request) => {
      const removed = await deleteApplication(
        services.db,
        request.admin!.tenantId,
        request.params.clientId,
      );
      request.auditTarget = { type: 'application', id: removed.clientId, name: removed.name };
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/settings/sign-in',
    {
      onRequest: read,
      schema: { tags: ['settings'], response: { 200: signInSettingsSchema } },
    },
    async (request) => getSignInSettings(services.db, request.admin!.tenantId),
  );

  app.put(
    '/api/v1/settings/sign-in',
    {
      onRequest: write,
      config: { audit: 'settings.sign_in_update' },
      schema: {
        tags: ['settings'],
        summary: 'Tenant-wide application sign-in rules (second factor for every application).',
        body: signInSettingsSchema,
        response: { 200: signInSettingsSchema },
      },
    },
    async (request) => {
      const { tenantId, userId } = request.admin!;
      request.auditTarget = { type: 'settings', name: 'sign_in' };
      return putSignInSettings(services.db, services.clock, tenantId, request.body, userId);
    },
  );

  app.get(
    '/api/v1/applications/signing-keys',
    {
      onRequest: read,
      schema: {
        tags: ['applications'],
        summary:
          'The ID token signing keys: the one signing, the next one, retired ones still published.',
        response: { 200: z.object({ keys: z.array(keyView) }) },
      },
    },
    async () => ({ keys: [...(await services.oidc.signingKeys())] }),
  );

  app.post(
    '/api/v1/applications/signing-keys/rotate',
    {
      onRequest: write,
      config: { audit: 'application.signing_key_rotate' },
      schema: {
        tags: ['applications'],
        summary:
          'A new signing key, published at once and signing after `activateInMinutes`; `retirePrevious` (a compromised key) removes the others at once.',
        body: z
          .object({
            activateInMinutes: z
              .number()
              .int()
              .min(0)
              .max(7 * 24 * 60)
              .default(60),
            retirePrevious: z.boolean().default(false),
          })
          .strict()
          .refine((value) => !value.retirePrevious || value.activateInMinutes === 0, {
            path: ['activateInMinutes'],
            message: 'must be 0 when the previous keys are retired (no key would sign meanwhile)',
          }),
        response: { 200: keyView },
      },
    },
    async (request) => {
      request.auditTarget = { type: 'signing_key' };
      const key = await services.oidc.rotateSigningKey(request.body);
      request.auditTarget = { type: 'signing_key', id: key.kid };
      return key;
    },
  );
}
