import { ssprReadinessSchema } from '@ferry/protocol';
import { z } from 'zod';
import { getPasswordResetSettings } from '../../directory/password-reset-settings.js';
import {
  registrationReviewRequestedAt,
  requestRegistrationReview,
} from '../../me/registration-review.js';
import { registrationCoverage } from '../../sspr/registration-coverage.js';
import { requireAdmin } from '../authenticate.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const coverageSchema = z.object({
  all: ssprReadinessSchema,
  synced: ssprReadinessSchema,
  registrationRequestedAt: z.string().nullable(),
});

/** The Password reset page's registration coverage, and "require registration at next sign-in". */
export function registrationCoverageRoutes(app: ZodApp, services: Services): void {
  const coverage = async (tenantId: string) => {
    const settings = await getPasswordResetSettings(services.db, tenantId);
    return {
      all: await registrationCoverage(services.db, tenantId, settings, { syncedOnly: false }),
      synced: await registrationCoverage(services.db, tenantId, settings, { syncedOnly: true }),
      registrationRequestedAt: await registrationReviewRequestedAt(services.db, tenantId),
    };
  };

  app.get(
    '/api/v1/settings/password-reset/coverage',
    {
      onRequest: requireAdmin(services, 'settings.read'),
      schema: {
        tags: ['settings'],
        summary:
          'Registration coverage: enabled users in SSPR scope, and those with enough registered methods to reset (all users, and those synced from AD).',
        response: { 200: coverageSchema },
      },
    },
    async (request) => coverage(request.admin!.tenantId),
  );

  app.post(
    '/api/v1/settings/password-reset/require-registration',
    {
      onRequest: requireAdmin(services, 'settings.write'),
      config: { audit: 'settings.registration_required' },
      schema: {
        tags: ['settings'],
        summary:
          'Require registration at next sign-in: every user in SSPR scope reviews (or registers) their methods at their next My Account or application sign-in.',
        response: { 200: coverageSchema },
      },
    },
    async (request) => {
      const { tenantId, userId } = request.admin!;
      request.auditTarget = { type: 'settings', name: 'registration_review' };
      await requestRegistrationReview(services.db, services.clock, tenantId, userId);
      return coverage(tenantId);
    },
  );
}
