import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';

const NAME = 'registration_review';

/**
 * "Require registration at next sign-in" (the Admin center's Password reset page): from the
 * moment an admin asks, every user in SSPR scope is asked once, at their next sign-in (My
 * Account or an application), to review their security info, even when they have enough
 * methods; a user who then confirms (or registers a method) is not asked again.
 */
export async function requestRegistrationReview(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  requestedBy: string,
): Promise<string> {
  const at = clock.now().toISOString();
  const row = {
    tenant_id: tenantId,
    name: NAME,
    value_json: JSON.stringify({ requestedAt: at }),
    updated_at: at,
    updated_by: requestedBy,
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
  return at;
}

/** When the tenant last asked for a review; null when never. */
export async function registrationReviewRequestedAt(
  db: Kysely<Database>,
  tenantId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('settings')
    .select('updated_at')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', NAME)
    .executeTakeFirst();
  return row?.updated_at ?? null;
}

/** Whether the user still owes the review the tenant asked for. */
export async function reviewPending(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<boolean> {
  const requestedAt = await registrationReviewRequestedAt(db, tenantId);
  if (requestedAt === null) return false;
  const row = await db
    .selectFrom('registration_reviews')
    .select('reviewed_at')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined || row.reviewed_at < requestedAt;
}

/** The user reviewed (or registered) their methods now. */
export async function recordRegistrationReview(
  db: Kysely<Database>,
  clock: Clock,
  tenantId: string,
  userId: string,
): Promise<void> {
  const at = clock.now().toISOString();
  await db
    .insertInto('registration_reviews')
    .values({ user_id: userId, tenant_id: tenantId, reviewed_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ reviewed_at: at }))
    .execute();
}
