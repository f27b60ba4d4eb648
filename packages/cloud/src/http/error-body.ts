import { ruleViolationSchema } from '@ferry/protocol';
import { z } from 'zod';

/** The one error shape of the API: `{ error: { code, message, issues?, requestId } }`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    retryAfter: z.number().int().optional(),
    rules: z.array(ruleViolationSchema).optional(),
    requestId: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;
