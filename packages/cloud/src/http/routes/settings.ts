import {
  getPasswordResetSettings,
  passwordResetSettingsSchema,
  putPasswordResetSettings,
} from '../../directory/password-reset-settings.js';
import { requireAdmin } from '../authenticate.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

/** The tenant's Password reset settings (read: any admin; write: global admins). */
export function settingsRoutes(app: ZodApp, services: Services): void {
  app.get(
    '/api/v1/settings/password-reset',
    {
      onRequest: requireAdmin(services, 'settings.read'),
      schema: { tags: ['settings'], response: { 200: passwordResetSettingsSchema } },
    },
    async (request) => getPasswordResetSettings(services.db, request.admin!.tenantId),
  );

  app.put(
    '/api/v1/settings/password-reset',
    {
      onRequest: requireAdmin(services, 'settings.write'),
      config: { audit: 'settings.password_reset_update' },
      schema: {
        tags: ['settings'],
        summary: 'Replace the Password reset settings (the whole document).',
        body: passwordResetSettingsSchema,
        response: { 200: passwordResetSettingsSchema },
      },
    },
    async (request) => {
      const { tenantId, userId } = request.admin!;
      request.auditTarget = { type: 'settings', name: 'password_reset' };
      return putPasswordResetSettings(services.db, services.clock, tenantId, request.body, userId);
    },
  );
}
