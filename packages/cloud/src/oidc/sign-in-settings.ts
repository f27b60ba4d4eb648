import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';

/** Tenant-wide sign-in rules for applications (an application can require more). */
export const signInSettingsSchema = z
  .object({
    /** Every application sign-in asks for a second factor after the password. */
    mfaRequired: z.boolean(),
  })
  .strict();

export type SignInSettings = z.infer<typeof signInSettingsSchema>;

const NAME = 'sign_in';
const defaults: SignInSettings = { mfaRequired: false };

export async function getSignInSettings(
  db: Kysely<Database>,
  tenantId: string,
): Promise<SignInSettings> {
  const row = await db
    .selectFrom('settings')
    .select('value_json')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', NAME)
    .executeTakeFirst();
  return row ? signInSettingsSchema.parse(JSON.parse(row.value_json)) : defaults;
}

export async function putSignInSettings(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  value: SignInSettings,
  updatedBy: string,
): Promise<SignInSettings> {
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
