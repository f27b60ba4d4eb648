import { FerryError } from '../../util/ferry-error.js';
import { syncCursorSchema } from '@ferry/protocol';
import { z } from 'zod';
import { cursorOf, syncState } from '../../sync/sync-state.js';
import { requireAdmin } from '../authenticate.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const runSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  mode: z.string(),
  status: z.enum(['running', 'done', 'awaiting_confirmation', 'interrupted']),
  batches: z.number(),
  added: z.number(),
  updated: z.number(),
  deleted: z.number(),
  softMatched: z.number(),
  /** Left out: the UPN is a cloud account holding an admin role (an admin resolves it). */
  softMatchBlocked: z.number(),
  pendingDeletes: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** Sync status and runs, the accidental-delete threshold, and confirming a held run. */
export function syncRoutes(app: ZodApp, services: Services): void {
  app.get(
    '/api/v1/sync/status',
    {
      onRequest: requireAdmin(services, 'agents.read'),
      schema: {
        tags: ['sync'],
        summary: 'Where the directory import stands: cursor, leader agent, delete threshold.',
        response: {
          200: z.object({
            cursor: syncCursorSchema.nullable(),
            leaderAgentId: z.string().nullable(),
            leaseExpiresAt: z.string().nullable(),
            deleteThreshold: z.number(),
            confirmedDeletes: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const state = await syncState(services.db, request.admin!.tenantId, services.clock);
      return {
        cursor: cursorOf(state),
        leaderAgentId: state.leader_agent_id,
        leaseExpiresAt: state.lease_expires_at,
        deleteThreshold: state.delete_threshold,
        confirmedDeletes: state.confirmed_deletes,
      };
    },
  );

  app.get(
    '/api/v1/sync/runs',
    {
      onRequest: requireAdmin(services, 'agents.read'),
      schema: {
        tags: ['sync'],
        summary: 'Sync runs, newest first: counts added/updated/deleted, held deletes.',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(runSchema) }) },
      },
    },
    async (request) => {
      const rows = await services.db
        .selectFrom('sync_runs')
        .selectAll()
        .where('tenant_id', '=', request.admin!.tenantId)
        .orderBy('started_at', 'desc')
        .limit(request.query.limit)
        .execute();
      return {
        items: rows.map((row) => ({
          id: row.id,
          agentId: row.agent_id,
          mode: row.mode,
          status: row.status,
          batches: row.batches,
          added: row.added,
          updated: row.updated,
          deleted: row.deleted,
          softMatched: row.soft_matched,
          softMatchBlocked: row.soft_match_blocked,
          pendingDeletes: row.pending_deletes,
          startedAt: row.started_at,
          finishedAt: row.finished_at,
        })),
      };
    },
  );

  app.put(
    '/api/v1/sync/settings',
    {
      onRequest: requireAdmin(services, 'agents.manage'),
      config: { audit: 'sync.settings_update' },
      schema: {
        tags: ['sync'],
        summary: 'Set the accidental-delete threshold (Entra default: 500).',
        body: z.object({ deleteThreshold: z.number().int().min(0).max(1_000_000) }).strict(),
        response: { 200: z.object({ deleteThreshold: z.number() }) },
      },
    },
    async (request) => {
      const tenantId = request.admin!.tenantId;
      await syncState(services.db, tenantId, services.clock);
      await services.db
        .updateTable('sync_state')
        .set({
          delete_threshold: request.body.deleteThreshold,
          updated_at: services.clock.now().toISOString(),
        })
        .where('tenant_id', '=', tenantId)
        .execute();
      request.auditDetail = { deleteThreshold: request.body.deleteThreshold };
      return { deleteThreshold: request.body.deleteThreshold };
    },
  );

  app.post(
    '/api/v1/sync/run-now',
    {
      onRequest: requireAdmin(services, 'agents.manage'),
      config: { audit: 'sync.run_requested' },
      schema: {
        tags: ['sync'],
        summary: 'Ask the leading agent to read the changes in AD now (a delta run).',
        response: { 202: z.object({ leaderAgentId: z.string() }) },
      },
    },
    async (request, reply) => {
      const state = await syncState(services.db, request.admin!.tenantId, services.clock);
      const leaseLive =
        state.leader_agent_id &&
        state.lease_expires_at &&
        state.lease_expires_at > services.clock.now().toISOString();
      if (!leaseLive || !state.leader_agent_id) {
        throw new FerryError('conflict', 'no agent leads the sync now; check the agents');
      }
      await services.bus.publish({ type: 'sync_now', agentId: state.leader_agent_id });
      reply.code(202);
      return { leaderAgentId: state.leader_agent_id };
    },
  );

  app.post(
    '/api/v1/sync/confirm-deletes',
    {
      onRequest: requireAdmin(services, 'agents.manage'),
      config: { audit: 'sync.deletes_confirmed' },
      schema: {
        tags: ['sync'],
        summary: 'Let the next run delete up to this many users, and ask the leader to run now.',
        body: z.object({ count: z.number().int().min(1).max(1_000_000) }).strict(),
        response: { 202: z.object({ confirmedDeletes: z.number() }) },
      },
    },
    async (request, reply) => {
      const tenantId = request.admin!.tenantId;
      const state = await syncState(services.db, tenantId, services.clock);
      await services.db
        .updateTable('sync_state')
        .set({
          confirmed_deletes: request.body.count,
          updated_at: services.clock.now().toISOString(),
        })
        .where('tenant_id', '=', tenantId)
        .execute();
      if (state.leader_agent_id) {
        await services.bus.publish({ type: 'sync_now', agentId: state.leader_agent_id });
      }
      request.auditDetail = { count: request.body.count };
      reply.code(202);
      return { confirmedDeletes: request.body.count };
    },
  );
}
