import { z } from 'zod';
import { userReferenceSchema } from './user-reference.js';

/** The password operations an agent performs for the cloud. */
export const operationKinds = [
  'sspr_reset',
  'change',
  'admin_reset',
  'unlock',
  'verify_credentials',
  /** Reads the password policy that applies to the user (the resultant PSO); writes nothing. */
  'read_policy',
  /**
   * v4: fences the user's write marker against another operation (`options.fences`) at its
   * expiry, so that no late write of it can land (ADR 0016). Touches no password.
   */
  'fence',
] as const;
export type OperationKind = (typeof operationKinds)[number];

/** Which kinds carry which secrets inside the JWE. */
export const operationSecretNeeds: Readonly<
  Record<OperationKind, { newPassword: boolean; currentPassword: boolean }>
> = {
  sspr_reset: { newPassword: true, currentPassword: false },
  change: { newPassword: true, currentPassword: true },
  admin_reset: { newPassword: true, currentPassword: false },
  unlock: { newPassword: false, currentPassword: false },
  verify_credentials: { newPassword: false, currentPassword: true },
  read_policy: { newPassword: false, currentPassword: false },
  fence: { newPassword: false, currentPassword: false },
};

/**
 * One operation as the cloud signs it for an agent. Secrets travel only inside `secrets`, a
 * compact JWE encrypted to that agent's key; the JWE plaintext repeats the operation id and
 * expiry so a ciphertext cannot be moved to another operation.
 */
export const operationRequestSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(operationKinds),
    tenantId: z.string().min(1).max(128),
    agentId: z.string().min(1).max(128),
    target: userReferenceSchema,
    options: z
      .object({
        unlock: z.boolean().optional(),
        mustChangeAtNextLogon: z.boolean().optional(),
        /** A `fence`'s target: the operation no write may land for once it is fenced. */
        fences: z.uuid().optional(),
      })
      .strict(),
    secrets: z.string().max(16_384).optional(),
    issuedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    /**
     * Set when an earlier attempt on another agent may have written already: the user's
     * pwdLastSet that attempt saw before writing. A different value now means it landed.
     */
    priorPasswordLastSet: z.string().max(32).optional(),
  })
  .refine(
    (operation) => (operation.kind === 'fence') === (operation.options.fences !== undefined),
    {
      message: 'options.fences is required on a fence and refused on any other kind',
      path: ['options', 'fences'],
    },
  )
  .refine((operation) => operation.kind !== 'fence' || operation.options.fences !== operation.id, {
    message: 'a fence cannot fence itself',
    path: ['options', 'fences'],
  });
export type OperationRequest = z.infer<typeof operationRequestSchema>;

export const operationSecretsSchema = z
  .object({
    operationId: z.uuid(),
    expiresAt: z.iso.datetime(),
    newPassword: z.string().max(1024).optional(),
    currentPassword: z.string().max(1024).optional(),
  })
  .strict();
export type OperationSecretsPayload = z.infer<typeof operationSecretsSchema>;
