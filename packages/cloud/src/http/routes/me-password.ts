import { defaultCloudPolicy, effectivePolicy, locales } from '@ferry/policy';
import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { passwordUserOf } from '../../directory/password-user.js';
import { changeOwnPassword } from '../../me/change-own-password.js';
import { toPolicyItems } from '../policy-items.js';
import { notifyInBackground, notifyPasswordChanged } from '../../notify/notifications.js';
import { outcomeError } from '../../relay/outcome-error.js';
import { currentUser, requireUser } from '../authenticate-user.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { passwordCheckItemSchema, secretField } from './me-schemas.js';

/** A signed-in user changes their password, and checks candidates while typing. */
export function mePasswordRoutes(app: ZodApp, services: Services): void {
  const signedIn = requireUser(services);
  const perMinute = credentialRoutesPerMinute(services.config);

  app.post(
    '/api/v1/me/password',
    {
      onRequest: signedIn,
      config: { rateLimit: { max: perMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['me'],
        summary: 'Change your password (current + new); AD answers for synced accounts.',
        body: z.object({ currentPassword: secretField, newPassword: secretField }).strict(),
        response: { 200: z.object({ outcome: z.literal('applied') }) },
      },
    },
    async (request) => {
      const { user, sessionId } = currentUser(request);
      const { outcome, operationId } = await changeOwnPassword(
        services,
        user,
        Secret.of(request.body.currentPassword),
        Secret.of(request.body.newPassword),
        { sourceIp: request.ip, requestId: request.id },
      );
      await services.audit.record({
        tenantId: user.tenant_id,
        actor: { type: 'user', id: user.id, name: user.upn },
        action: 'me.password_change',
        target: { type: 'user', id: user.id, name: user.upn },
        result: outcome.code === 'applied' ? 'success' : outcome.code,
        sourceIp: request.ip,
        requestId: request.id,
        detail: { source: user.source, operationId: operationId ?? null },
      });
      if (outcome.code !== 'applied') throw outcomeError(outcome, 'change');
      // Whoever else held the old password is signed out; this browser stays in.
      await services.userSessions.reauthenticated(sessionId);
      await services.userSessions.revokeOthers(user.tenant_id, user.id, sessionId);
      notifyInBackground(request.log, notifyPasswordChanged(services, user, request.log));
      return { outcome: 'applied' as const };
    },
  );

  app.post(
    '/api/v1/me/password/check',
    {
      onRequest: signedIn,
      config: { rateLimit: { max: perMinute * 6, timeWindow: 60_000 } },
      schema: {
        tags: ['me'],
        summary: 'Check a candidate password against the rules in force for you (live).',
        body: z
          .object({ password: z.string().max(1024), locale: z.enum(locales).default('en') })
          .strict(),
        response: {
          200: z.object({ ok: z.boolean(), items: z.array(passwordCheckItemSchema) }),
        },
      },
    },
    async (request) => {
      const { user } = currentUser(request);
      const now = services.clock.now();
      const directory = await services.directoryPolicies.forUser(user, { ask: true });
      const evaluation = await services.passwordChecks.evaluate({
        password: Secret.of(request.body.password),
        policy: effectivePolicy(defaultCloudPolicy, directory),
        user: { ...nameParts(user.display_name), ...passwordUserOf(user) },
        operation: 'change',
        now,
      });
      return { ok: evaluation.ok, items: toPolicyItems(evaluation, request.body.locale) };
    },
  );
}

// The store keeps a display name only: its first and last words stand in for given name and
// surname, which the banned-password check refuses as Entra does.
function nameParts(displayName: string): { givenName?: string; surname?: string } {
  const words = displayName
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const [first] = words;
  const last = words.length > 1 ? words.at(-1) : undefined;
  return { ...(first ? { givenName: first } : {}), ...(last ? { surname: last } : {}) };
}
