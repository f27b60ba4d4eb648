import { Secret } from '@ferry/protocol';
import { z } from 'zod';
import { redeemBootstrapToken } from '../../auth/bootstrap.js';
import { toUserView } from '../../directory/user-view.js';
import { displayName, email, password, userViewSchema } from '../schemas.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

/** Redeems the one-time link printed at first start: creates the first global admin. */
export function bootstrapRoutes(app: ZodApp, services: Services): void {
  app.post(
    '/api/v1/bootstrap',
    {
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Create the first global admin with the one-time bootstrap token.',
        body: z.object({
          token: z.string().min(16).max(128),
          email,
          displayName,
          password,
        }),
        response: { 201: userViewSchema },
      },
    },
    async (request, reply) => {
      const user = await redeemBootstrapToken(
        services,
        Secret.of(request.body.token),
        {
          email: request.body.email,
          displayName: request.body.displayName,
          password: Secret.of(request.body.password),
        },
        { sourceIp: request.ip, requestId: request.id },
      );
      return reply.code(201).send(toUserView(user, ['global_admin']));
    },
  );
}
