import type { SsprReadiness } from '@ferry/protocol';
import { sql, type Kysely } from 'kysely';
import type { PasswordResetSettings } from '../directory/password-reset-settings.js';
import type { Database, MethodKind } from '../store/tables.js';
import { adminPolicy } from './admin-policy.js';

/**
 * Registration coverage: of the enabled users the SSPR scope covers, how many have registered
 * at least as many methods the tenant allows as a reset asks (`methodsRequired`), i.e. could
 * reset now. `synced` counts only users synced from AD (what the agent's doctor reports). A
 * user holding an admin role resets under the stricter administrator policy (two gates, only
 * the methods that policy allows), so an admin counts as ready only against that policy.
 */
export async function registrationCoverage(
  db: Kysely<Database>,
  tenantId: string,
  settings: PasswordResetSettings,
  options: { readonly syncedOnly: boolean },
): Promise<SsprReadiness> {
  const base = {
    scope: settings.ssprEnabled,
    methodsRequired: settings.methodsRequired,
  } as const;
  if (settings.ssprEnabled === 'none') return { ...base, usersInScope: 0, usersReady: 0 };
  const groupId = settings.ssprGroupId;
  let query = db
    .selectFrom('users')
    .where('users.tenant_id', '=', tenantId)
    .where('users.enabled', '=', 1);
  if (options.syncedOnly) query = query.where('users.source', '=', 'synced');
  if (settings.ssprEnabled === 'selected' && groupId !== null) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('group_members')
          .select('group_members.user_id')
          .whereRef('group_members.user_id', '=', 'users.id')
          .where('group_members.tenant_id', '=', tenantId)
          .where('group_members.group_id', '=', groupId),
      ),
    );
  }
  const admin = adminPolicy(settings);
  const row = await query
    .select((eb) => {
      const registered = (kinds: readonly MethodKind[]) =>
        kinds.length === 0
          ? sql<number>`0`
          : eb
              .selectFrom('verification_methods')
              .select(sql<number>`count(*)`.as('n'))
              .whereRef('verification_methods.user_id', '=', 'users.id')
              .where('verification_methods.tenant_id', '=', tenantId)
              .where('verification_methods.kind', 'in', kinds);
      const isAdmin = eb.exists(
        eb
          .selectFrom('role_assignments')
          .select('role_assignments.user_id')
          .whereRef('role_assignments.user_id', '=', 'users.id')
          .where('role_assignments.tenant_id', '=', tenantId),
      );
      const ready = eb
        .case()
        .when(isAdmin)
        .then(
          eb
            .case()
            .when(registered(admin.methodsAllowed), '>=', admin.methodsRequired)
            .then(1)
            .else(0)
            .end(),
        )
        .when(registered(settings.methodsAllowed), '>=', settings.methodsRequired)
        .then(1)
        .else(0)
        .end();
      return [
        eb.fn.countAll<string | number>().as('inScope'),
        eb.fn.sum<string | number | null>(ready).as('ready'),
      ];
    })
    .executeTakeFirstOrThrow();
  return { ...base, usersInScope: Number(row.inScope), usersReady: Number(row.ready ?? 0) };
}
