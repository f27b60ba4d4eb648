import { z } from 'zod';
import { adminRoles } from '../directory/roles.js';
import { methodKinds } from '../directory/password-reset-settings.js';

/** Shared pieces of the API's zod schemas. */
export const idParams = z.object({ id: z.uuid() });

export const password = z.string().min(8).max(256);
export const upn = z
  .string()
  .trim()
  .min(3)
  .max(256)
  .regex(/^[^@\s]+@[^@\s]+$/, 'must be name@domain');
export const displayName = z.string().trim().min(1).max(256);
/** Given name or surname: optional, for the ID token's given_name / family_name. */
export const namePart = z.string().trim().min(1).max(256).nullable();
export const email = z.email().max(256);

export const roleSchema = z.enum(adminRoles as ['global_admin', 'helpdesk_admin']);
export const methodKindSchema = z.enum(methodKinds);

export const userViewSchema = z.object({
  id: z.string(),
  source: z.enum(['cloud', 'synced']),
  upn: z.string(),
  displayName: z.string(),
  givenName: z.string().nullable(),
  surname: z.string().nullable(),
  email: z.string().nullable(),
  enabled: z.boolean(),
  lockedOut: z.boolean(),
  passwordLastSetAt: z.string().nullable(),
  roles: z.array(roleSchema),
  onPremises: z
    .object({
      sourceAnchor: z.string(),
      distinguishedName: z.string().nullable(),
      samAccountName: z.string().nullable(),
      syncedAt: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const groupViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  source: z.enum(['cloud', 'synced']),
  createdAt: z.string(),
});

export const okSchema = z.object({ ok: z.literal(true) });
