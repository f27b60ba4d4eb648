import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import type { MethodView } from '../directory/verification-methods.js';
import type { Services } from '../http/services.js';
import type { UserRow, UserSource } from '../store/tables.js';
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

export async function meView(services: Services, user: UserRow): Promise<MeView> {
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
