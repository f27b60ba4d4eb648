import { passwordRuleCodes } from '@ferry/protocol';
import { z } from 'zod';
import { methodKindSchema } from '../schemas.js';

/** Zod schemas of the My Account API. */
export const methodViewSchema = z.object({
  kind: methodKindSchema,
  value: z.string().nullable(),
  questions: z.array(z.string()).nullable(),
  registeredAt: z.string(),
});

export const meViewSchema = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  source: z.enum(['cloud', 'synced']),
  methods: z.array(methodViewSchema),
  registration: z.object({
    required: z.boolean(),
    missing: z.number().int(),
    allowed: z.array(methodKindSchema),
    review: z.boolean(),
  }),
});

/** A password typed by the user: never logged, never echoed. */
export const secretField = z.string().min(1).max(256);

/** A six-digit code from a mail, a text message or an authenticator app. */
export const codeField = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be 6 digits');

export const phoneNumber = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164, e.g. +33612345678');

export const sentSchema = z.object({ sent: z.literal(true) });

export const passwordCheckItemSchema = z.object({
  rule: z.enum(passwordRuleCodes),
  status: z.enum(['pass', 'fail', 'directory']),
  origin: z.enum(['cloud', 'directory']),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  message: z.string(),
});
