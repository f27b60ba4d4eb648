import { z } from 'zod';
import { queryAudit } from '../../audit/audit-query.js';
import { requireAdmin } from '../authenticate.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const isoTime = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

const eventSchema = z.object({
  id: z.string(),
  seq: z.number(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  action: z.string(),
  target: z
    .object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  result: z.string(),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
});

/** The tenant's audit log, newest first, with filters and keyset paging. */
export function auditRoutes(app: ZodApp, services: Services): void {
  app.get(
    '/api/v1/audit',
    {
      onRequest: requireAdmin(services, 'audit.read'),
      schema: {
        tags: ['audit'],
        querystring: z.object({
          action: z.string().max(128).optional(),
          actorId: z.string().max(128).optional(),
          targetId: z.string().max(128).optional(),
          result: z.string().max(128).optional(),
          from: isoTime.optional(),
          to: isoTime.optional(),
          before: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({ events: z.array(eventSchema), nextCursor: z.number().nullable() }),
        },
      },
    },
    async (request) => queryAudit(services.db, request.admin!.tenantId, request.query),
  );
}
