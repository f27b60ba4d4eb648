import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { reauthenticateWithTotp } from '../../me/reauthenticate-totp.js';
import { signInUser } from '../../me/user-sign-in.js';
import { FerryError } from '../../util/ferry-error.js';
import { currentUser, requireUser } from '../authenticate-user.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import { okSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { secretField } from './me-schemas.js';

const listedSessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  userAgent: z.string().nullable(),
  sourceIp: z.string().nullable(),
  startedAt: z.string(),
  lastSeenAt: z.string().nullable(),
  expiresAt: z.string(),
});

/**
 * A user's own My Account sessions: list them and end the others (ASVS 3.3.4), and prove the
 * password again inside a session before a sensitive change (ASVS 3.7.1: the method routes
 * answer `reauthentication_required` to a session whose last proof is too old).
 */
export function meSessionsRoutes(app: ZodApp, services: Services): void {
  const signedIn = requireUser(services);

  app.get(
    '/api/v1/me/sessions',
    {
      onRequest: signedIn,
      schema: {
        tags: ['me'],
        summary: 'Your My Account sessions: browser, address, started, last used.',
        response: { 200: z.object({ sessions: z.array(listedSessionSchema) }) },
      },
    },
    async (request) => {
      const { user, sessionId } = currentUser(request);
      return { sessions: await services.userSessions.list(user.tenant_id, user.id, sessionId) };
    },
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      onRequest: signedIn,
      schema: {
        tags: ['me'],
        summary: 'End one of your sessions (another browser or device).',
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{22}$/) }),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const { user } = currentUser(request);
      const ended = await services.userSessions.revokeListed(
        user.tenant_id,
        user.id,
        request.params.id,
      );
      await services.audit.record({
        tenantId: user.tenant_id,
        actor: { type: 'user', id: user.id, name: user.upn },
        action: 'me.session_end',
        target: { type: 'user', id: user.id, name: user.upn },
        result: ended ? 'success' : 'not_found',
        sourceIp: request.ip,
        requestId: request.id,
        detail: { session: request.params.id },
      });
      if (!ended) throw new FerryError('not_found', 'no such session of this user');
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/me/reauthenticate',
    {
      onRequest: signedIn,
      config: {
        rateLimit: { max: credentialRoutesPerMinute(services.config), timeWindow: 60_000 },
      },
      schema: {
        tags: ['me'],
        summary:
          'Prove it is you again in this session (before adding or changing a verification method): the password, or a code of the registered authenticator app.',
        body: z.union([
          z.object({ password: secretField }).strict(),
          z.object({ totpCode: z.string().regex(/^\d{6}$/) }).strict(),
        ]),
        response: { 200: okSchema },
      },
    },
    async (request) => {
      const { user, sessionId } = currentUser(request);
      const source = { sourceIp: request.ip, requestId: request.id };
      if ('totpCode' in request.body) {
        // A burnt-once code under the same guess limits and audit action as the password.
        await reauthenticateWithTotp(services, user, Secret.of(request.body.totpCode), source);
      } else {
        // The same check, guess limit and audit as a sign-in (pass-through for synced users).
        await signInUser(services, {
          tenantId: user.tenant_id,
          userPrincipalName: user.upn,
          password: Secret.of(request.body.password),
          ...source,
          action: 'me.reauthenticate',
        });
      }
      await services.userSessions.reauthenticated(sessionId);
      return { ok: true as const };
    },
  );
}
