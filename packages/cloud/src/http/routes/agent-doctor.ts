import { doctorReportSchema } from '@ferry/protocol';
import { z } from 'zod';
import { lastDoctorReports } from '../../relay/agent-doctor.js';
import { requireAdmin } from '../authenticate.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

/** The agents' last doctor reports (read by any admin). */
export function agentDoctorRoutes(app: ZodApp, services: Services): void {
  app.get(
    '/api/v1/agents/doctor-reports',
    {
      onRequest: requireAdmin(services, 'agents.read'),
      schema: {
        tags: ['agents'],
        summary:
          "Each agent's last `ferry-agent doctor` report (sent at its start and every few hours), with the fixes.",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                agentId: z.string(),
                name: z.string(),
                hostname: z.string(),
                receivedAt: z.string(),
                report: doctorReportSchema,
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await lastDoctorReports(services.db, request.admin!.tenantId) }),
  );
}
