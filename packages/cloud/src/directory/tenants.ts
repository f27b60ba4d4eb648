import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';

/** The default tenant's id, creating it on first start. */
export async function ensureDefaultTenant(
  db: Kysely<Database>,
  clock: Clock,
  random: Random,
): Promise<string> {
  const existing = await db
    .selectFrom('tenants')
    .select('id')
    .where('is_default', '=', 1)
    .executeTakeFirst();
  if (existing) return existing.id;
  return createTenant(db, clock, random, 'Default', true);
}

export async function createTenant(
  db: Kysely<Database>,
  clock: Clock,
  random: Random,
  name: string,
  isDefault = false,
): Promise<string> {
  const id = random.uuid();
  await db
    .insertInto('tenants')
    .values({ id, name, is_default: isDefault ? 1 : 0, created_at: clock.now().toISOString() })
    .execute();
  return id;
}
