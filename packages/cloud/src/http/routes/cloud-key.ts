import { z } from 'zod';
import { FerryError } from '../../util/ferry-error.js';
import { requireAdmin } from '../authenticate.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

/**
 * Rotating the key the cloud signs operations with (the one agents pin at enrollment). It is
 * every tenant's, so only the default tenant's admins may rotate it.
 */
export function cloudKeyRoutes(app: ZodApp, services: Services): void {
  app.post(
    '/api/v1/cloud-signing-key/rotate',
    {
      onRequest: requireAdmin(services, 'agents.manage'),
      config: { audit: 'cloud.signing_key_rotated' },
      schema: {
        tags: ['agents'],
        summary:
          'A new operation-signing key, endorsed by the current one: every node signs with it at once, and agents re-pin it (online ones now, the others when they next connect).',
        response: {
          200: z.object({
            key: z.record(z.string(), z.unknown()),
            endorsements: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      request.auditTarget = { type: 'cloud_signing_key', id: null, name: null };
      if (request.admin!.tenantId !== services.defaultTenantId) {
        throw new FerryError(
          'forbidden',
          "the cloud signing key is every tenant's: only the default tenant's admins rotate it",
        );
      }
      // Every node, this one included, switches and tells its agents on the bus message.
      const rotated = await services.cloudKeys.rotate();
      await services.bus.publish({ type: 'cloud_key_rotated' });
      return { key: rotated.key as Record<string, unknown>, endorsements: rotated.position };
    },
  );
}
