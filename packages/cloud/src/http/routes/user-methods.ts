import { z } from 'zod';
import { requireAdmin } from '../authenticate.js';
import { FerryError } from '../../util/ferry-error.js';
import { email, idParams, methodKindSchema, okSchema } from '../schemas.js';
import type { Services } from '../services.js';
import { credentialTarget } from '../target-user.js';
import type { ZodApp } from '../zod-schemas.js';

const methodViewSchema = z.object({
  kind: methodKindSchema,
  value: z.string().nullable(),
  questions: z.array(z.string()).nullable(),
  registeredAt: z.string(),
});

const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +33612345678');

/**
 * Verification methods as an admin sees them (Entra's "Authentication methods" blade): list,
 * set contact email and phone, remove any method. TOTP and security answers are registered by
 * the user in the SSPR flows, never by an admin.
 */
export function userMethodRoutes(app: ZodApp, services: Services): void {
  const read = requireAdmin(services, 'directory.read');
  const write = requireAdmin(services, 'users.credentials');

  app.get(
    '/api/v1/users/:id/methods',
    {
      onRequest: read,
      schema: {
        tags: ['methods'],
        params: idParams,
        response: { 200: z.object({ methods: z.array(methodViewSchema) }) },
      },
    },
    async (request) => {
      const target = await credentialTarget(services, request, request.params.id);
      return { methods: await services.methods.list(target.tenant_id, target.id) };
    },
  );

  app.put(
    '/api/v1/users/:id/methods/email',
    {
      onRequest: write,
      config: { audit: 'user.method_email_set' },
      schema: {
        tags: ['methods'],
        params: idParams,
        body: z.object({ address: email }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const target = await credentialTarget(services, request, request.params.id);
      await services.methods.setEmail(target.tenant_id, target.id, request.body.address);
      return { ok: true as const };
    },
  );

  app.put(
    '/api/v1/users/:id/methods/phone',
    {
      onRequest: write,
      config: { audit: 'user.method_phone_set' },
      schema: {
        tags: ['methods'],
        params: idParams,
        body: z.object({ number: phone }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const target = await credentialTarget(services, request, request.params.id);
      await services.methods.setPhone(target.tenant_id, target.id, request.body.number);
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/v1/users/:id/methods/:kind',
    {
      onRequest: write,
      config: { audit: 'user.method_remove' },
      schema: {
        tags: ['methods'],
        params: idParams.extend({ kind: methodKindSchema }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const target = await credentialTarget(services, request, request.params.id);
      const removed = await services.methods.remove(
        target.tenant_id,
        target.id,
        request.params.kind,
      );
      if (!removed) throw new FerryError('not_found', 'the user has no such method');
      return { ok: true as const };
    },
  );
}
