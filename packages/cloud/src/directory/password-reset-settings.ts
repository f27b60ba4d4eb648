import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';
import { getGroup } from './groups.js';

export const methodKinds = ['email', 'phone', 'totp', 'security_questions'] as const;

const helpdeskLink = z.union([z.url({ protocol: /^https?$/ }), z.email()]);

/** The tenant's "Password reset" blade, as in Entra: who may reset, how, and on-prem options. */
export const passwordResetSettingsSchema = z
  .object({
    ssprEnabled: z.enum(['none', 'selected', 'all']),
    ssprGroupId: z.string().min(1).nullable(),
    methodsRequired: z.union([z.literal(1), z.literal(2)]),
    methodsAllowed: z.array(z.enum(methodKinds)).min(1),
    registrationRequiredAtSignIn: z.boolean(),
    reconfirmDays: z.number().int().min(0).max(730),
    notifyUsersOnReset: z.boolean(),
    notifyAdminsOnAdminReset: z.boolean(),
    helpdeskLink: helpdeskLink.nullable(),
    onPremises: z
      .object({
        writebackEnabled: z.boolean(),
        unlockWithoutResetEnabled: z.boolean(),
      })
      .strict(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.ssprEnabled === 'selected' && value.ssprGroupId === null) {
      ctx.addIssue({ code: 'custom', path: ['ssprGroupId'], message: 'required when selected' });
    }
    if (new Set(value.methodsAllowed).size !== value.methodsAllowed.length) {
      ctx.addIssue({ code: 'custom', path: ['methodsAllowed'], message: 'duplicate method' });
    }
    if (value.methodsAllowed.length < value.methodsRequired) {
      ctx.addIssue({
        code: 'custom',
        path: ['methodsAllowed'],
        message: 'fewer methods allowed than required',
      });
    }
  });

export type PasswordResetSettings = z.infer<typeof passwordResetSettingsSchema>;

export const defaultPasswordResetSettings: PasswordResetSettings = {
  ssprEnabled: 'none',
  ssprGroupId: null,
  methodsRequired: 1,
  methodsAllowed: ['email', 'totp'],
  registrationRequiredAtSignIn: true,
  reconfirmDays: 180,
  notifyUsersOnReset: true,
  notifyAdminsOnAdminReset: true,
  helpdeskLink: null,
  onPremises: { writebackEnabled: true, unlockWithoutResetEnabled: false },
};

const NAME = 'password_reset';

export async function getPasswordResetSettings(
  db: Kysely<Database>,
  tenantId: string,
): Promise<PasswordResetSettings> {
  const row = await db
    .selectFrom('settings')
    .select('value_json')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', NAME)
    .executeTakeFirst();
  if (!row) return defaultPasswordResetSettings;
  return passwordResetSettingsSchema.parse(JSON.parse(row.value_json));
}

export async function putPasswordResetSettings(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  value: PasswordResetSettings,
  updatedBy: string,
): Promise<PasswordResetSettings> {
  if (value.ssprGroupId !== null) await getGroupOrInvalid(db, tenantId, value.ssprGroupId);
  const row = {
    tenant_id: tenantId,
    name: NAME,
    value_json: JSON.stringify(value),
    updated_at: clock.now().toISOString(),
    updated_by: updatedBy,
  };
  await db
    .insertInto('settings')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'name']).doUpdateSet({
        value_json: row.value_json,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
  return value;
}

async function getGroupOrInvalid(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<void> {
  try {
    await getGroup(db, tenantId, id);
  } catch {
    throw new FerryError('validation_failed', 'ssprGroupId names no group of the tenant', {
      issues: [{ path: 'ssprGroupId', message: 'no such group' }],
    });
  }
}
