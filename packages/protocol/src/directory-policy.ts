import { z } from 'zod';

/**
 * The effective password policy a directory enforces for one user (AD: the domain policy or
 * the resultant fine-grained PSO). Durations in seconds; 0 means "none" (no minimum age,
 * passwords never expire, lockout off, lockout until an admin unlocks).
 */
export const directoryPolicySchema = z.object({
  minLength: z.number().int().min(0).max(256),
  historyLength: z.number().int().min(0).max(1024),
  minAgeSeconds: z.number().int().min(0),
  maxAgeSeconds: z.number().int().min(0),
  complexity: z.boolean(),
  lockoutThreshold: z.number().int().min(0),
  lockoutDurationSeconds: z.number().int().min(0),
  lockoutObservationSeconds: z.number().int().min(0),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('domain'), dn: z.string() }),
    z.object({
      kind: z.literal('fine_grained'),
      dn: z.string(),
      name: z.string(),
      precedence: z.number().int(),
    }),
  ]),
});

export type DirectoryPolicy = z.infer<typeof directoryPolicySchema>;
