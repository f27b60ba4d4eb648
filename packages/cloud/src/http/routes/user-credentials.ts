import { Secret, type WritebackOperation } from '@ferry/protocol';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { countGlobalAdmins, rolesOf, setRoles } from '../../directory/roles.js';
import { passwordUserOf } from '../../directory/password-user.js';
import { assertCloudPasswordPolicy } from '../../directory/set-password-policy.js';
import { toUserView } from '../../directory/user-view.js';
import { getUser, setCloudPassword, unlockCloudUser } from '../../directory/users.js';
import { outcomeError } from '../../relay/outcome-error.js';
import { writeback } from '../../relay/password-writeback.js';
import { notifyAdminsOfAdminReset, notifyInBackground } from '../../notify/notifications.js';
import { STORE_RESTART_WAIT_MS, retryWhileUnreachable } from '../../store/store-unreachable.js';
import type { UserRow } from '../../store/tables.js';
import { FerryError } from '../../util/ferry-error.js';
import { requireAdmin } from '../authenticate.js';
import { idParams, password, roleSchema, userViewSchema } from '../schemas.js';
import type { Services } from '../services.js';
import { credentialTarget } from '../target-user.js';
import type { ZodApp } from '../zod-schemas.js';

/** Admin password reset, unlock, and role assignment. */
export function userCredentialRoutes(app: ZodApp, services: Services): void {
  const credentials = requireAdmin(services, 'users.credentials');

  app.post(
    '/api/v1/users/:id/password',
    {
      onRequest: credentials,
      config: { audit: 'user.password_reset' },
      schema: {
        tags: ['users'],
        summary:
          "Set a user's password (helpdesk admins: non-admins only). For a synced user the agent writes it to AD and AD's answer comes back: `{outcome, operationId, user}` as the self-service routes answer.",
        params: idParams,
        body: z
          .object({
            password,
            mustChangeAtNextLogon: z.boolean().optional(),
            unlock: z.boolean().optional(),
          })
          .strict(),
        response: {
          200: z.object({
            outcome: z.literal('applied'),
            operationId: z.string().nullable(),
            user: userViewSchema,
          }),
        },
      },
    },
    async (request) => {
      const target = await credentialTarget(services, request, request.params.id);
      if (target.source === 'synced') {
        const { mustChangeAtNextLogon, unlock } = request.body;
        const { view, operationId } = await synced(request, target, 'reset', {
          kind: 'admin_reset',
          newPassword: Secret.of(request.body.password),
          options: {
            ...(mustChangeAtNextLogon === undefined ? {} : { mustChangeAtNextLogon }),
            ...(unlock === undefined ? {} : { unlock }),
          },
        });
        notifyInBackground(
          request.log,
          notifyAdminsOfAdminReset(services, request.admin!, target, request.log),
        );
        return { outcome: 'applied' as const, operationId, user: view };
      }
      const newPassword = Secret.of(request.body.password);
      await assertCloudPasswordPolicy(services, newPassword, passwordUserOf(target));
      const row = await setCloudPassword(
        services.db,
        services.clock,
        target.tenant_id,
        target.id,
        newPassword,
        { mustChange: request.body.mustChangeAtNextLogon === true },
      );
      notifyInBackground(
        request.log,
        notifyAdminsOfAdminReset(services, request.admin!, row, request.log),
      );
      // A cloud-only password is set in the store: no operation travels.
      const user = toUserView(row, await rolesOf(services.db, row.tenant_id, row.id));
      return { outcome: 'applied' as const, operationId: null, user };
    },
  );

  app.post(
    '/api/v1/users/:id/unlock',
    {
      onRequest: credentials,
      config: { audit: 'user.unlock' },
      schema: {
        tags: ['users'],
        summary: "Unlock a user (a synced user's AD account, through the agent).",
        params: idParams,
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      const target = await credentialTarget(services, request, request.params.id);
      if (target.source === 'synced') {
        return (await synced(request, target, 'unlock', { kind: 'unlock' })).view;
      }
      const row = await unlockCloudUser(services.db, services.clock, target.tenant_id, target.id);
      return toUserView(row, await rolesOf(services.db, row.tenant_id, row.id));
    },
  );

  /** Runs the operation through the agent; answers the fresh user view, or AD's refusal. */
  async function synced(
    request: FastifyRequest,
    target: UserRow,
    refused: WritebackOperation,
    operation: Pick<Parameters<typeof writeback>[1], 'kind' | 'newPassword' | 'options'>,
  ) {
    const result = await writeback(services, {
      ...operation,
      user: target,
      selfService: false,
      requestedBy: request.admin?.userId ?? null,
    });
    request.auditDetail = {
      operationId: result.operationId ?? null,
      agentId: result.agentId ?? null,
      outcome: result.outcome.code,
    };
    if (result.outcome.code !== 'applied') throw outcomeError(result.outcome, refused);
    // Applied in AD: the answer waits out a restarting PostgreSQL rather than fail.
    const deadline = Date.now() + STORE_RESTART_WAIT_MS;
    const row =
      result.user ??
      (await retryWhileUnreachable(
        () => getUser(services.db, target.tenant_id, target.id),
        deadline,
      ));
    const roles = await retryWhileUnreachable(
      () => rolesOf(services.db, row.tenant_id, row.id),
      deadline,
    );
    const view = toUserView(row, roles);
    return { view, operationId: result.operationId ?? null };
  }

  app.put(
    '/api/v1/users/:id/roles',
    {
      onRequest: requireAdmin(services, 'roles.write'),
      config: { audit: 'user.roles_set' },
      schema: {
        tags: ['users'],
        summary: "Replace a user's admin roles.",
        params: idParams,
        body: z.object({ roles: z.array(roleSchema).max(2) }),
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      const { tenantId } = request.admin!;
      const target = await getUser(services.db, tenantId, request.params.id);
      request.auditTarget = { type: 'user', id: target.id, name: target.upn };
      const current = await rolesOf(services.db, tenantId, target.id);
      const adds = request.body.roles.some((role) => !current.includes(role));
      if (target.source !== 'cloud' && adds) {
        // The Admin center checks a cloud password; a synced user has none. Removing a role
        // is always allowed (e.g. from an account a soft match brought under AD's control).
        throw new FerryError('user_is_synced', 'admin roles can be given to cloud-only accounts');
      }
      const losesGlobal =
        current.includes('global_admin') && !request.body.roles.includes('global_admin');
      if (losesGlobal && (await countGlobalAdmins(services.db, tenantId)) <= 1) {
        throw new FerryError('conflict', 'the tenant would have no global admin left');
      }
      await setRoles(services.db, tenantId, target.id, request.body.roles, services.clock.now());
      return toUserView(target, await rolesOf(services.db, tenantId, target.id));
    },
  );
}
