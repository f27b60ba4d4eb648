import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import type { Kysely } from 'kysely';
import type { MethodView, VerificationMethods } from '../directory/verification-methods.js';
import type { Database, UserRow, UserSource } from '../store/tables.js';
import { registrationState, type RegistrationState } from './registration-state.js';

/** What My Account shows about the signed-in user: never a secret, never another user. */
export interface MeView {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly source: UserSource;
  readonly methods: MethodView[];
  readonly registration: RegistrationState;
}

export async function meView(
  services: { readonly db: Kysely<Database>; readonly methods: VerificationMethods },
  user: UserRow,
): Promise<MeView> {
  const [methods, settings] = await Promise.all([
    services.methods.list(user.tenant_id, user.id),
    getPasswordResetSettings(services.db, user.tenant_id),
  ]);
  return {
    id: user.id,
    userPrincipalName: user.upn,
    displayName: user.display_name,
    source: user.source,
    methods,
    registration: await registrationState(services.db, settings, user, methods),
  };
}
