import { defaultCloudPolicy, effectivePolicy, locales } from '@ferry/policy';
import { passwordRuleCodes, Secret } from '@ferry/protocol';
import { z } from 'zod';
import { reportedDomainPolicy } from '../../relay/agent-store.js';
import { toPolicyItems } from '../policy-items.js';
import { credentialRoutesPerMinute } from '../rate-limits.js';
import type { Services } from '../services.js';
import type { ZodApp } from '../zod-schemas.js';

const itemSchema = z.object({
  rule: z.enum(passwordRuleCodes),
  status: z.enum(['pass', 'fail', 'directory']),
  origin: z.enum(['cloud', 'directory']),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  message: z.string(),
});

/**
 * The live password check the portals call while a user types: every rule in force with its
 * verdict and a localised message. It knows only the tenant-wide rules (the cloud's, and the
 * directory's when no fine-grained policy exists) — never anything about a particular user,
 * so it cannot be used to learn about accounts; the user's own rules (name, minimum age)
 * are checked when the operation is submitted. Rate-limited like sign-in.
 */
export function passwordPolicyRoutes(app: ZodApp, services: Services): void {
  app.post(
    '/api/v1/password-policy/check',
    {
      config: {
        rateLimit: { max: credentialRoutesPerMinute(services.config) * 6, timeWindow: 60_000 },
      },
      schema: {
        tags: ['self-service'],
        summary: 'Check a candidate password against the rules in force (live, while typing).',
        body: z
          .object({
            password: z.string().max(1024),
            locale: z.enum(locales).default('en'),
          })
          .strict(),
        response: { 200: z.object({ ok: z.boolean(), items: z.array(itemSchema) }) },
      },
    },
    async (request) => {
      const directory = await reportedDomainPolicy(
        services.db,
        services.defaultTenantId,
        new Date(services.clock.now().getTime() - services.config.agentHeartbeatSeconds * 3000),
      );
      const evaluation = await services.passwordChecks.evaluate({
        password: Secret.of(request.body.password),
        policy: effectivePolicy(defaultCloudPolicy, directory),
        operation: 'admin_reset',
        now: services.clock.now(),
      });
      return { ok: evaluation.ok, items: toPolicyItems(evaluation, request.body.locale) };
    },
  );
}
