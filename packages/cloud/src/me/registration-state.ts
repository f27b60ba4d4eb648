import type { Kysely } from 'kysely';
import { isMember } from '../directory/groups.js';
import type { PasswordResetSettings } from '../directory/password-reset-settings.js';
import type { MethodView } from '../directory/verification-methods.js';
import { resetPolicyFor } from '../sspr/admin-policy.js';
import type { Database, MethodKind, UserRow } from '../store/tables.js';
import { reviewPending } from './registration-review.js';

export interface RegistrationState {
  /** True when My Account must ask the user to register before anything else. */
  readonly required: boolean;
  /** How many more allowed methods the user needs to be able to reset (admins: under the admin policy). */
  readonly missing: number;
  /** The methods that count for this user's reset (the only ones My Account asks for). */
  readonly allowed: MethodKind[];
  /** An admin asked everyone in scope to review their methods, and this user has not yet. */
  readonly review: boolean;
}

/**
 * Whether the user still has to register methods, as Entra's "require users to register when
 * signing in": only users in SSPR scope, only methods the tenant allows, and as many as a
 * reset requires — for a user holding an admin role, as many as the stricter administrator policy
 * requires, of the methods it accepts; or to review them, when an admin required registration at
 * next sign-in.
 */
export async function registrationState(
  db: Kysely<Database>,
  settings: PasswordResetSettings,
  user: UserRow,
  methods: readonly MethodView[],
): Promise<RegistrationState> {
  const policy = await resetPolicyFor(db, settings, user);
  const allowed = policy.methodsAllowed;
  const inScope =
    settings.ssprEnabled === 'all' ||
    (settings.ssprEnabled === 'selected' &&
      settings.ssprGroupId !== null &&
      (await isMember(db, user.tenant_id, settings.ssprGroupId, user.id)));
  const usable = methods.filter((method) => allowed.includes(method.kind)).length;
  const missing = inScope ? Math.max(0, policy.methodsRequired - usable) : 0;
  const review = inScope && (await reviewPending(db, user.tenant_id, user.id));
  return {
    required: (settings.registrationRequiredAtSignIn && missing > 0) || review,
    missing,
    allowed: [...allowed],
    review,
  };
}
