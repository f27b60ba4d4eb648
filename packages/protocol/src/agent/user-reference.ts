import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How the cloud names a directory user to the agent: by source anchor first. */
export const userReferenceSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('objectGUID'), value: z.string().regex(GUID, 'must be a GUID') }),
  z.object({ by: z.literal('userPrincipalName'), value: z.string().min(3).max(1024) }),
  z.object({ by: z.literal('sAMAccountName'), value: z.string().min(1).max(256) }),
]);

export type UserReference = z.infer<typeof userReferenceSchema>;
