import { z } from 'zod';
import { methodKindSchema } from '../schemas.js';

/** Zod schemas of the application sign-in API (the pages behind the OpenID Connect provider). */
export const signInParams = z.object({
  uid: z.string().regex(/^[\w-]{10,64}$/, 'not a sign-in id'),
});

export const signInViewSchema = z.object({
  stage: z.enum(['password', 'change_password', 'mfa', 'register', 'consent', 'done']),
  application: z.object({ name: z.string() }),
  userPrincipalName: z.string().nullable(),
  loginHint: z.string().nullable(),
  notice: z.enum(['application_not_assigned', 'account_unavailable', 'mfa_required']).nullable(),
  mustChange: z.enum(['must_change_password', 'password_expired']).nullable(),
  secondFactor: z
    .object({
      methods: z.array(
        z.object({ kind: z.enum(['totp', 'email', 'phone']), hint: z.string().nullable() }),
      ),
    })
    .nullable(),
  registration: z
    .object({
      reason: z.enum(['second_factor', 'required']),
      missing: z.number().int(),
      allowed: z.array(methodKindSchema),
      /** The My Account session's CSRF token: registration uses the My Account API. */
      csrfToken: z.string().optional(),
    })
    .nullable(),
  consent: z.object({ scopes: z.array(z.string()) }).nullable(),
  redirectTo: z.string().nullable(),
});

export const signInStateSchema = signInViewSchema.extend({ csrfToken: z.string() });
