import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { meView } from '../../me/me-view.js';
import { recordRegistrationReview } from '../../me/registration-review.js';
import { signInUser } from '../../me/user-sign-in.js';
import {
  clearUserSessionCookies,
  currentUser,
  requireUser,
  setUserSessionCookies,
} from '../authenticate-user.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import { sessionClient } from '../session-client.js';
import { okSchema, upn } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { meViewSchema, secretField } from './me-schemas.js';

/** My Account sign-in (cloud password or pass-through to AD), sign-out and the current user. */
export function meSessionRoutes(app: ZodApp, services: Services): void {
  const signedIn = requireUser(services);

  app.post(
    '/api/v1/me/sign-in',
    {
      config: {
        rateLimit: { max: credentialRoutesPerMinute(services.config), timeWindow: 60_000 },
      },
      schema: {
        tags: ['me'],
        summary:
          'Sign in to My Account; synced users are checked by the on-premises directory (pass-through).',
        body: z.object({ userPrincipalName: upn, password: secretField }).strict(),
        response: { 200: z.object({ csrfToken: z.string(), user: meViewSchema }) },
      },
    },
    async (request, reply) => {
      const tenantId = services.defaultTenantId;
      await services.userSessions.purgeExpired();
      const user = await signInUser(services, {
        tenantId,
        userPrincipalName: request.body.userPrincipalName,
        password: Secret.of(request.body.password),
        sourceIp: request.ip,
        requestId: request.id,
      });
      const session = await services.userSessions.issue(tenantId, user.id, sessionClient(request));
      setUserSessionCookies(request, reply, session, services.config);
      return { csrfToken: session.csrfToken.reveal(), user: await meView(services, user) };
    },
  );

  app.post(
    '/api/v1/me/sign-out',
    {
      onRequest: signedIn,
      schema: { tags: ['me'], summary: 'End the My Account session.', response: { 200: okSchema } },
    },
    async (request, reply) => {
      const { user, sessionId } = currentUser(request);
      await services.userSessions.revoke(sessionId);
      await services.audit.record({
        tenantId: user.tenant_id,
        actor: { type: 'user', id: user.id, name: user.upn },
        action: 'me.sign_out',
        result: 'success',
        sourceIp: request.ip,
        requestId: request.id,
      });
      clearUserSessionCookies(reply, services.config);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/me',
    {
      onRequest: signedIn,
      schema: {
        tags: ['me'],
        summary: 'The signed-in user, their methods and whether registration is required.',
        response: { 200: meViewSchema },
      },
    },
    async (request) => meView(services, currentUser(request).user),
  );
  app.post(
    '/api/v1/me/registration/review',
    {
      onRequest: signedIn,
      schema: {
        tags: ['me'],
        summary:
          'The user reviewed their security info (an admin required registration at next sign-in).',
        response: { 200: meViewSchema },
      },
    },
    async (request) => {
      const { user } = currentUser(request);
      await recordRegistrationReview(services.db, services.clock, user.tenant_id, user.id);
      return meView(services, user);
    },
  );
}
