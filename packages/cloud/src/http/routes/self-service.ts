import { defaultCloudPolicy, effectivePolicy, evaluatePassword, toViolations } from '@ferry/policy';
import { Secret, type Outcome } from '@ferry/protocol';
import { z } from 'zod';
import { dummyPasswordHash, verifyPassword } from '../../crypto/password-hash.js';
import { findUserByUpn, setCloudPassword } from '../../directory/users.js';
import { notifyInBackground, notifyPasswordChanged } from '../../notify/notifications.js';
import { outcomeError } from '../../relay/outcome-error.js';
import { writeback } from '../../relay/password-writeback.js';
import type { UserRow } from '../../store/tables.js';
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
      const { outcome, operationId } =
        user?.source === 'synced'
          ? await writeback(services, {
              kind: 'change',
              user,
              currentPassword: current,
              newPassword: next,
              selfService: true,
              requestedBy: user.id,
            })
          : {
              outcome: await changeCloudPassword(services, user, current, next),
              operationId: undefined,
            };
      await services.audit.record({
        tenantId,
        actor: {
          type: user ? 'user' : 'anonymous',
          id: user?.id ?? null,
          name: request.body.userPrincipalName,
        },
        action: 'self_service.password_change',
        target: user ? { type: 'user', id: user.id, name: user.upn } : undefined,
        result: outcome.code === 'applied' ? 'success' : outcome.code,
        sourceIp: request.ip,
        requestId: request.id,
        detail: { operationId: operationId ?? null },
      });
      if (outcome.code !== 'applied') throw outcomeError(outcome);
      if (user) notifyInBackground(request.log, notifyPasswordChanged(services, user, request.log));
      return { outcome: 'applied' as const };
    },
  );
}

async function changeCloudPassword(
  services: Services,
  user: UserRow | undefined,
  current: Secret,
  next: Secret,
): Promise<Outcome> {
  const matches = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), current);
  if (!user || !matches) return { code: 'wrong_current_password' };
  if (user.enabled !== 1) return { code: 'account_disabled' };
  const evaluation = evaluatePassword({
    password: next,
    policy: effectivePolicy(defaultCloudPolicy),
    user: { displayName: user.display_name },
    operation: 'change',
    now: services.clock.now(),
  });
  if (!evaluation.ok) return { code: 'policy_violation', rules: toViolations(evaluation) };
  await setCloudPassword(services.db, services.clock, user.tenant_id, user.id, next);
  return { code: 'applied' };
}
