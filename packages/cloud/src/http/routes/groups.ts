import { z } from 'zod';
import {
  addMember,
  createCloudGroup,
  deleteCloudGroup,
  getGroup,
  listGroups,
  listMembers,
  removeMember,
  toGroupView,
} from '../../directory/groups.js';
import { requireAdmin } from '../authenticate.js';
import { groupViewSchema, idParams, okSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const memberParams = idParams.extend({ userId: z.uuid() });
const memberSchema = z.object({ id: z.string(), upn: z.string(), displayName: z.string() });

/** Groups and their members (the SSPR "selected group" is one of these). */
export function groupsRoutes(app: ZodApp, services: Services): void {
  const read = requireAdmin(services, 'directory.read');
  const write = requireAdmin(services, 'groups.write');

  app.get(
    '/api/v1/groups',
    {
      onRequest: read,
      schema: {
        tags: ['groups'],
        response: { 200: z.object({ groups: z.array(groupViewSchema) }) },
      },
    },
    async (request) => ({
      groups: (await listGroups(services.db, request.admin!.tenantId)).map(toGroupView),
    }),
  );

  app.get(
    '/api/v1/groups/:id',
    {
      onRequest: read,
      schema: { tags: ['groups'], params: idParams, response: { 200: groupViewSchema } },
    },
    async (request) =>
      toGroupView(await getGroup(services.db, request.admin!.tenantId, request.params.id)),
  );

  app.post(
    '/api/v1/groups',
    {
      onRequest: write,
      config: { audit: 'group.create' },
      schema: {
        tags: ['groups'],
        body: z.object({
          name: z.string().trim().min(1).max(256),
          description: z.string().max(1024).nullable().optional(),
        }),
        response: { 201: groupViewSchema },
      },
    },
    async (request, reply) => {
      request.auditTarget = { type: 'group', name: request.body.name };
      const row = await createCloudGroup(
        services.db,
        services.clock,
        services.random,
        request.admin!.tenantId,
        request.body,
      );
      request.auditTarget = { type: 'group', id: row.id, name: row.name };
      return reply.code(201).send(toGroupView(row));
    },
  );

  app.delete(
    '/api/v1/groups/:id',
    {
      onRequest: write,
      config: { audit: 'group.delete' },
      schema: { tags: ['groups'], params: idParams, response: { 200: okSchema } },
    },
    async (request) => {
      request.auditTarget = { type: 'group', id: request.params.id };
      const row = await deleteCloudGroup(services.db, request.admin!.tenantId, request.params.id);
      request.auditTarget = { type: 'group', id: row.id, name: row.name };
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/groups/:id/members',
    {
      onRequest: read,
      schema: {
        tags: ['groups'],
        params: idParams,
        response: { 200: z.object({ members: z.array(memberSchema) }) },
      },
    },
    async (request) => ({
      members: await listMembers(services.db, request.admin!.tenantId, request.params.id),
    }),
  );

  app.put(
    '/api/v1/groups/:id/members/:userId',
    {
      onRequest: write,
      config: { audit: 'group.member_add' },
      schema: { tags: ['groups'], params: memberParams, response: { 200: okSchema } },
    },
    async (request) => {
      request.auditTarget = { type: 'user', id: request.params.userId };
      request.auditDetail = { groupId: request.params.id };
      await addMember(
        services.db,
        services.clock,
        request.admin!.tenantId,
        request.params.id,
        request.params.userId,
      );
      return { ok: true as const };
    },
  );

  app.delete(
    '/api/v1/groups/:id/members/:userId',
    {
      onRequest: write,
      config: { audit: 'group.member_remove' },
      schema: { tags: ['groups'], params: memberParams, response: { 200: okSchema } },
    },
    async (request) => {
      request.auditTarget = { type: 'user', id: request.params.userId };
      request.auditDetail = { groupId: request.params.id };
      await removeMember(
        services.db,
        request.admin!.tenantId,
        request.params.id,
        request.params.userId,
      );
      return { ok: true as const };
    },
  );
}
