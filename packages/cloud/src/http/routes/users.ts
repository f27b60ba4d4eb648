import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { rolesOf, rolesOfUsers } from '../../directory/roles.js';
import { assertCloudPasswordPolicy } from '../../directory/set-password-policy.js';
import { toUserView, type UserView } from '../../directory/user-view.js';
import {
  createCloudUser,
  deleteCloudUser,
  getUser,
  listUsers,
  updateCloudUser,
} from '../../directory/users.js';
import type { MethodKind, UserRow } from '../../store/tables.js';
import { FerryError } from '../../util/ferry-error.js';
import { requireAdmin } from '../authenticate.js';
import {
  displayName,
  email,
  namePart,
  idParams,
  methodKindSchema,
  okSchema,
  password,
  upn,
  userViewSchema,
} from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

/** Directory users: list, read, create, update and delete (cloud-only users). */
export function usersRoutes(app: ZodApp, services: Services): void {
  const read = requireAdmin(services, 'directory.read');
  const write = requireAdmin(services, 'users.write');
  const view = async (row: UserRow): Promise<UserView> =>
    toUserView(row, await rolesOf(services.db, row.tenant_id, row.id));

  app.get(
    '/api/v1/users',
    {
      onRequest: read,
      schema: {
        tags: ['users'],
        summary: 'List users by UPN, optionally filtered; keyset-paged.',
        querystring: z.object({
          search: z.string().max(256).optional(),
          after: z.string().max(256).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            users: z.array(userViewSchema.extend({ methods: z.array(methodKindSchema) })),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const tenantId = request.admin!.tenantId;
      const page = await listUsers(services.db, tenantId, request.query);
      // The roles and method kinds of the whole page, one query each.
      const ids = page.users.map((user) => user.id);
      const roles = await rolesOfUsers(services.db, tenantId, ids);
      const registered = new Map<string, MethodKind[]>();
      if (ids.length > 0) {
        const rows = await services.db
          .selectFrom('verification_methods')
          .select(['user_id', 'kind'])
          .where('tenant_id', '=', tenantId)
          .where('user_id', 'in', ids)
          .orderBy('kind')
          .execute();
        for (const row of rows)
          registered.set(row.user_id, [...(registered.get(row.user_id) ?? []), row.kind]);
      }
      const users = page.users.map((row) => ({
        ...toUserView(row, roles.get(row.id) ?? []),
        methods: registered.get(row.id) ?? [],
      }));
      return { users, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      onRequest: read,
      schema: { tags: ['users'], params: idParams, response: { 200: userViewSchema } },
    },
    async (request) => view(await getUser(services.db, request.admin!.tenantId, request.params.id)),
  );

  app.post(
    '/api/v1/users',
    {
      onRequest: write,
      config: { audit: 'user.create' },
      schema: {
        tags: ['users'],
        summary: 'Create a cloud-only user.',
        body: z.object({
          upn,
          displayName,
          givenName: namePart.optional(),
          surname: namePart.optional(),
          email: email.nullable().optional(),
          password: password.optional(),
        }),
        response: { 201: userViewSchema },
      },
    },
    async (request, reply) => {
      const { password: plain, ...rest } = request.body;
      request.auditTarget = { type: 'user', name: rest.upn };
      if (plain !== undefined) {
        await assertCloudPasswordPolicy(services, Secret.of(plain), {
          displayName: rest.displayName,
          givenName: rest.givenName ?? undefined,
          surname: rest.surname ?? undefined,
        });
      }
      const row = await createCloudUser(
        services.db,
        services.clock,
        services.random,
        request.admin!.tenantId,
        {
          ...rest,
          password: plain === undefined ? undefined : Secret.of(plain),
        },
      );
      request.auditTarget = { type: 'user', id: row.id, name: row.upn };
      return reply.code(201).send(await view(row));
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      onRequest: write,
      config: { audit: 'user.update' },
      schema: {
        tags: ['users'],
        summary: 'Change a cloud-only user (synced users are read-only here).',
        params: idParams,
        body: z
          .object({
            displayName,
            givenName: namePart,
            surname: namePart,
            email: email.nullable(),
            enabled: z.boolean(),
          })
          .partial()
          .refine((body) => Object.keys(body).length > 0, 'no field to change'),
        response: { 200: userViewSchema },
      },
    },
    async (request) => {
      const { tenantId } = request.admin!;
      const target = await getUser(services.db, tenantId, request.params.id);
      request.auditTarget = { type: 'user', id: target.id, name: target.upn };
      return view(
        await updateCloudUser(services.db, services.clock, tenantId, target.id, request.body),
      );
    },
  );

  app.delete(
    '/api/v1/users/:id',
    {
      onRequest: write,
      config: { audit: 'user.delete' },
      schema: { tags: ['users'], params: idParams, response: { 200: okSchema } },
    },
    async (request) => {
      const { tenantId, userId } = request.admin!;
      const target = await getUser(services.db, tenantId, request.params.id);
      request.auditTarget = { type: 'user', id: target.id, name: target.upn };
      if (target.id === userId) throw new FerryError('conflict', 'an admin cannot delete themself');
      await deleteCloudUser(services.db, tenantId, target.id);
      return { ok: true as const };
    },
  );
}
