import { Secret, type Outcome } from '@ferry/protocol';
import { z } from 'zod';
import { unknownNameForAudit } from '../../audit/typed-name.js';
import { dummyPasswordHash, verifyPassword } from '../../crypto/password-hash.js';
import { findUserByUpn } from '../../directory/users.js';
import { changeOwnPassword } from '../../me/change-own-password.js';
import { notifyInBackground, notifyPasswordChanged } from '../../notify/notifications.js';
import { outcomeError } from '../../relay/outcome-error.js';
import { upn } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';

const secretField = z.string().min(1).max(256);

/**
 * A user changes their own password by proving the current one. For a synced user the agent
 * sends the change to AD, which checks the current password, history and minimum age; a
 * cloud-only user's password is checked against its Argon2id hash. An unknown account
 * answers exactly as a wrong current password does.
 */
export function selfServiceRoutes(app: ZodApp, services: Services): void {
  const strictPerMinute = credentialRoutesPerMinute(services.config);
  app.post(
    '/api/v1/self-service/password/change',
    {
      config: { rateLimit: { max: strictPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['self-service'],
        summary: 'Change your own password (current + new); AD answers for synced accounts.',
        body: z
          .object({
            userPrincipalName: upn,
            currentPassword: secretField,
            newPassword: secretField,
          })
          .strict(),
        response: { 200: z.object({ outcome: z.literal('applied') }) },
      },
    },
    async (request) => {
      const tenantId = services.defaultTenantId;
      const user = await findUserByUpn(services.db, tenantId, request.body.userPrincipalName);
      const current = Secret.of(request.body.currentPassword);
      const next = Secret.of(request.body.newPassword);
      const { outcome, operationId } = user
        ? await changeOwnPassword(services, user, current, next, {
            sourceIp: request.ip,
            requestId: request.id,
          })
        : { outcome: await unknownAccount(current), operationId: undefined };
      await services.audit.record({
        tenantId,
        actor: {
          type: user ? 'user' : 'anonymous',
          id: user?.id ?? null,
          name: user ? user.upn : unknownNameForAudit(request.body.userPrincipalName),
        },
        action: 'self_service.password_change',
        target: user ? { type: 'user', id: user.id, name: user.upn } : undefined,
        result: outcome.code === 'applied' ? 'success' : outcome.code,
        sourceIp: request.ip,
        requestId: request.id,
        detail: { operationId: operationId ?? null },
      });
      if (outcome.code !== 'applied') throw outcomeError(outcome, 'change');
      if (user) notifyInBackground(request.log, notifyPasswordChanged(services, user, request.log));
      return { outcome: 'applied' as const };
    },
  );
}

/** An unknown account costs the same hash check and answers as a wrong password. */
async function unknownAccount(current: Secret): Promise<Outcome> {
  await verifyPassword(await dummyPasswordHash(), current);
  return { code: 'wrong_current_password' };
}
