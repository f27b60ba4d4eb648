import type { Kysely } from 'kysely';
import type { PasswordResetSettings } from '../directory/password-reset-settings.js';
import { rolesOf } from '../directory/roles.js';
import type { Database, MethodKind, UserRow } from '../store/tables.js';

/**
 * The methods an administrator may reset with (as Entra's administrator policy): an email
 * address, a phone, an authenticator app; never security questions, which others can learn.
 */
const ADMIN_METHODS: readonly MethodKind[] = ['totp', 'email', 'phone'];

/** The gates an administrator's reset asks: two, whatever the tenant set for end users. */
export const ADMIN_METHODS_REQUIRED = 2;

/**
 * The reset policy that applies to this user. A user holding any admin role always resets
 * under the stricter administrator policy: two gates, no security questions, whatever the
 * tenant set for end users. The tenant's settings can only make it stricter: methods the
 * tenant did not allow stay out (so an admin with too few of the rest cannot reset here).
 */
export async function resetPolicyFor(
  db: Kysely<Database>,
  settings: PasswordResetSettings,
  user: UserRow,
): Promise<PasswordResetSettings> {
  const roles = await rolesOf(db, user.tenant_id, user.id);
  return roles.length === 0 ? settings : adminPolicy(settings);
}

/** The administrator policy derived from the tenant's settings (what any admin role resets with). */
export function adminPolicy(settings: PasswordResetSettings): PasswordResetSettings {
  return {
    ...settings,
    methodsRequired: ADMIN_METHODS_REQUIRED,
    methodsAllowed: settings.methodsAllowed.filter((kind) => ADMIN_METHODS.includes(kind)),
  };
}
