import { z } from 'zod';
import {
  findTenantAgent,
  listAgents,
  parseStatus,
  removeAgent,
  requestKeyRotation,
  setAgentStatus,
} from '../../relay/agent-store.js';
import { GATEWAY_PATH } from '../../relay/agent-gateway.js';
import {
  createEnrollmentToken,
  enrollRequestSchema,
  redeemEnrollmentToken,
} from '../../relay/enrollment.js';
import { FerryError } from '../../util/ferry-error.js';
import { requireAdmin } from '../authenticate.js';
import { idParams } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';

const agentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  version: z.string(),
  status: z.enum(['active', 'disabled']),
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  connectedAt: z.string().nullable(),
  directoryReachable: z.boolean().nullable(),
  passwordWritebackEnabled: z.boolean().nullable(),
  domainController: z.string().nullable(),
  policySummary: z
    .object({
      minLength: z.number(),
      complexity: z.boolean(),
      historyLength: z.number(),
      minAgeSeconds: z.number(),
      maxAgeSeconds: z.number(),
      lockoutThreshold: z.number(),
    })
    .nullable(),
  problem: z.string().nullable(),
  operationsServed: z.number(),
  createdAt: z.string(),
});

/** Agent enrollment, the agents list with health, and disabling or removing an agent. */
export function agentsRoutes(app: ZodApp, services: Services): void {
  const manage = requireAdmin(services, 'agents.manage');
  const strictPerMinute = credentialRoutesPerMinute(services.config);

  app.post(
    '/api/v1/agents/enrollment-tokens',
    {
      onRequest: manage,
      config: { audit: 'agent.enrollment_token_created' },
      schema: {
        tags: ['agents'],
        summary: 'Create a one-time agent enrollment token (shown once).',
        response: { 201: z.object({ id: z.string(), token: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const admin = request.admin!;
      const created = await createEnrollmentToken(services.db, {
        tenantId: admin.tenantId,
        createdBy: admin.userId,
        minutes: services.config.enrollmentTokenMinutes,
        clock: services.clock,
        random: services.random,
      });
      request.auditTarget = { type: 'enrollment_token', id: created.id, name: null };
      reply.code(201);
      return {
        id: created.id,
        token: created.token.reveal(),
        expiresAt: created.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/v1/agents/enroll',
    {
      config: { rateLimit: { max: strictPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['agents'],
        summary: 'An agent registers its public keys with a one-time enrollment token.',
        body: enrollRequestSchema,
        response: {
          201: z.object({
            agentId: z.string(),
            tenantId: z.string(),
            cloudSigningKey: z.record(z.string(), z.unknown()),
            gatewayPath: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const { agentId, tenantId } = await redeemEnrollmentToken(
        services.db,
        request.body,
        services,
      );
      await services.audit.record({
        tenantId,
        actor: { type: 'agent', id: agentId, name: request.body.name },
        action: 'agent.enrolled',
        target: { type: 'agent', id: agentId, name: request.body.name },
        result: 'success',
        sourceIp: request.ip,
        requestId: request.id,
        detail: { hostname: request.body.hostname, version: request.body.agentVersion },
      });
      reply.code(201);
      return {
        agentId,
        tenantId,
        cloudSigningKey: services.cloudKeys.current.publicJwk as Record<string, unknown>,
        gatewayPath: GATEWAY_PATH,
      };
    },
  );

  app.get(
    '/api/v1/agents',
    {
      onRequest: requireAdmin(services, 'agents.read'),
      schema: {
        tags: ['agents'],
        summary:
          'Agents of the tenant with their health, as the on-premises integration blade shows it.',
        response: { 200: z.object({ items: z.array(agentViewSchema) }) },
      },
    },
    async (request) => {
      const rows = await listAgents(services.db, request.admin!.tenantId);
      const staleBefore =
        services.clock.now().getTime() - services.config.agentHeartbeatSeconds * 3000;
      return {
        items: rows.map((row) => {
          const status = parseStatus(row);
          const policy = status?.policy;
          return {
            id: row.id,
            name: row.name,
            hostname: row.hostname,
            version: row.version,
            status: row.status,
            online:
              row.node_id !== null &&
              row.last_seen_at !== null &&
              Date.parse(row.last_seen_at) >= staleBefore,
            lastSeenAt: row.last_seen_at,
            connectedAt: row.connected_at,
            directoryReachable: status?.directoryReachable ?? null,
            passwordWritebackEnabled: status?.passwordWritebackEnabled ?? null,
            domainController: status?.domainController ?? null,
            policySummary: policy
              ? {
                  minLength: policy.minLength,
                  complexity: policy.complexity,
                  historyLength: policy.historyLength,
                  minAgeSeconds: policy.minAgeSeconds,
                  maxAgeSeconds: policy.maxAgeSeconds,
                  lockoutThreshold: policy.lockoutThreshold,
                }
              : null,
            problem: status?.problem ?? null,
            operationsServed: row.operations_served,
            createdAt: row.created_at,
          };
        }),
      };
    },
  );

  app.patch(
    '/api/v1/agents/:id',
    {
      onRequest: manage,
      config: { audit: 'agent.status_set' },
      schema: {
        tags: ['agents'],
        summary: 'Disable (it is disconnected and refused) or re-enable an agent.',
        params: idParams,
        body: z.object({ status: z.enum(['active', 'disabled']) }).strict(),
        response: { 200: z.object({ id: z.string(), status: z.enum(['active', 'disabled']) }) },
      },
    },
    async (request) => {
      const row = await agentOfTenant(services, request.admin!.tenantId, request.params.id);
      request.auditTarget = { type: 'agent', id: row.id, name: row.name };
      request.auditDetail = { status: request.body.status };
      await setAgentStatus(services.db, row.id, request.body.status);
      if (request.body.status === 'disabled') {
        await services.bus.publish({
          type: 'disconnect_agent',
          agentId: row.id,
          reason: 'disabled by an admin',
        });
      }
      return { id: row.id, status: request.body.status };
    },
  );

  app.post(
    '/api/v1/agents/:id/rotate-keys',
    {
      onRequest: manage,
      config: { audit: 'agent.key_rotation_requested' },
      schema: {
        tags: ['agents'],
        summary:
          'Ask an online agent to replace its key pairs; it proves the new signing key and keeps serving.',
        params: idParams,
        response: { 202: z.object({ id: z.string(), requested: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const row = await agentOfTenant(services, request.admin!.tenantId, request.params.id);
      request.auditTarget = { type: 'agent', id: row.id, name: row.name };
      // Recorded, so an agent that is reconnecting right now still gets the request.
      await requestKeyRotation(services.db, row.id, services.clock.now());
      await services.bus.publish({ type: 'rotate_agent_keys', agentId: row.id });
      reply.code(202);
      return { id: row.id, requested: true as const };
    },
  );

  app.delete(
    '/api/v1/agents/:id',
    {
      onRequest: manage,
      config: { audit: 'agent.removed' },
      schema: {
        tags: ['agents'],
        summary: 'Remove an agent: its keys are forgotten and it cannot connect again.',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const row = await agentOfTenant(services, request.admin!.tenantId, request.params.id);
      request.auditTarget = { type: 'agent', id: row.id, name: row.name };
      await removeAgent(services.db, row.id);
      await services.bus.publish({
        type: 'disconnect_agent',
        agentId: row.id,
        reason: 'removed by an admin',
      });
      reply.code(204);
      return null;
    },
  );
}

async function agentOfTenant(services: Services, tenantId: string, id: string) {
  const row = await findTenantAgent(services.db, tenantId, id);
  if (!row) throw new FerryError('not_found', `no agent ${id} in this tenant`);
  return row;
}
