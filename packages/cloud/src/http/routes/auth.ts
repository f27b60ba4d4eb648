import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { signInAdmin } from '../../auth/admin-sign-in.js';
import { FerryError } from '../../util/ferry-error.js';
import { authenticate, sessionCookie } from '../authenticate.js';
import { clearSessionCookies, setSessionCookies } from '../cookies.js';
import { okSchema, roleSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';

const meSchema = z.object({
  userId: z.string(),
  tenantId: z.string(),
  upn: z.string(),
  roles: z.array(roleSchema),
});

/** Admin sign-in, sign-out and the current session. */
export function authRoutes(app: ZodApp, services: Services): void {
  const signInPerMinute = credentialRoutesPerMinute(services.config);

  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { rateLimit: { max: signInPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in as an admin; sets the session and CSRF cookies.',
        body: z.object({
          username: z.string().trim().min(1).max(256),
          password: z.string().min(1).max(256),
          tenantId: z.uuid().optional(),
        }),
        response: { 200: meSchema.extend({ csrfToken: z.string() }) },
      },
    },
    async (request, reply) => {
      const tenantId = request.body.tenantId ?? services.defaultTenantId;
      await services.sessions.purgeExpired();
      const admin = await signInAdmin(services, {
        tenantId,
        username: request.body.username,
        password: Secret.of(request.body.password),
        sourceIp: request.ip,
        requestId: request.id,
      });
      const session = await services.sessions.issue(tenantId, admin.user.id);
      setSessionCookies(request, reply, session, services.config, 'admin');
      return {
        userId: admin.user.id,
        tenantId,
        upn: admin.user.upn,
        roles: admin.roles,
        csrfToken: session.csrfToken.reveal(),
      };
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      schema: { tags: ['auth'], summary: 'End the current session.', response: { 200: okSchema } },
    },
    async (request, reply) => {
      const found = await authenticate(services, request);
      const cookie = sessionCookie(services, request);
      if (found && cookie) {
        await services.sessions.revoke(cookie);
        await services.audit.record({
          tenantId: found.admin.tenantId,
          actor: { type: 'admin', id: found.admin.userId, name: found.admin.upn },
          action: 'admin.sign_out',
          result: 'success',
          sourceIp: request.ip,
          requestId: request.id,
        });
      }
      clearSessionCookies(reply, services.config, 'admin');
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in admin.', response: { 200: meSchema } } },
    async (request) => {
      const found = await authenticate(services, request);
      if (!found) throw new FerryError('unauthenticated', 'no valid admin session');
      const { admin } = found;
      return {
        userId: admin.userId,
        tenantId: admin.tenantId,
        upn: admin.upn,
        roles: [...admin.roles],
      };
    },
  );
}
