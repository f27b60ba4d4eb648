import { ruleViolationSchema, writebackOperations } from '@ferry/protocol';
import { z } from 'zod';

/** The one error shape of the API: `{ error: { code, message, requestId, ... } }` (fields: docs/errors.md). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    retryAfter: z.number().int().optional(),
    allowedAt: z.iso.datetime().optional(),
    rules: z.array(ruleViolationSchema).optional(),
    scope: z.enum(['tenant', 'agent']).optional(),
    operation: z.enum(writebackOperations).optional(),
    requestId: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;
