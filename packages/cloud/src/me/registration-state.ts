import type { Kysely } from 'kysely';
import { isMember } from '../directory/groups.js';
import type { PasswordResetSettings } from '../directory/password-reset-settings.js';
import type { MethodView } from '../directory/verification-methods.js';
import type { Database, MethodKind, UserRow } from '../store/tables.js';

export interface RegistrationState {
  /** True when My Account must ask the user to register before anything else. */
  readonly required: boolean;
  /** How many more allowed methods the user needs to be able to reset. */
  readonly missing: number;
  /** The methods the tenant offers (the only ones My Account registers). */
  readonly allowed: MethodKind[];
}

/**
 * Whether the user still has to register methods, as Entra's "require users to register when
 * signing in": only users in SSPR scope, only methods the tenant allows, and as many as a
 * reset requires.
 */
export async function registrationState(
  db: Kysely<Database>,
  settings: PasswordResetSettings,
  user: UserRow,
  methods: readonly MethodView[],
): Promise<RegistrationState> {
  const allowed = settings.methodsAllowed;
  const inScope =
    settings.ssprEnabled === 'all' ||
    (settings.ssprEnabled === 'selected' &&
      settings.ssprGroupId !== null &&
      (await isMember(db, user.tenant_id, settings.ssprGroupId, user.id)));
  const usable = methods.filter((method) => allowed.includes(method.kind)).length;
  const missing = inScope ? Math.max(0, settings.methodsRequired - usable) : 0;
  return {
    required: settings.registrationRequiredAtSignIn && missing > 0,
    missing,
    allowed: [...allowed],
  };
}
