import type { Outcome, Secret } from '@ferry/protocol';
import { dummyPasswordHash, verifyPassword } from '../crypto/password-hash.js';
import type { UserRow } from '../store/tables.js';

/**
 * A cloud-only user's password against its Argon2id hash, for every sign-in (My Account,
 * applications). An unknown user (or one without a password) costs the same hash work. The
 * right password of an account an admin marked "must change at next logon" (no
 * `password_last_set_at`) answers `must_change_password`, as AD's 773 does for a synced user:
 * the temporary password leads only to the change screen.
 */
export async function checkCloudPassword(
  user: UserRow | undefined,
  password: Secret,
): Promise<Outcome> {
  const matches = await verifyPassword(
    user?.password_hash ?? (await dummyPasswordHash()),
    password,
  );
  if (!user || !matches) return { code: 'invalid_credentials' };
  if (user.enabled !== 1) return { code: 'account_disabled' };
  if (user.password_last_set_at === null) return { code: 'must_change_password' };
  return { code: 'applied' };
}
