import type { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { hashToken, newToken } from '../crypto/tokens.js';
import { countGlobalAdmins, setRoles } from '../directory/roles.js';
import {
  assertCloudPasswordPolicy,
  type SetPasswordPolicyServices,
} from '../directory/set-password-policy.js';
import { createCloudUser } from '../directory/users.js';
import type { Database, UserRow } from '../store/tables.js';
import { addMinutes, type Clock, type Random } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';

export interface FirstAdmin {
  readonly email: string;
  readonly displayName: string;
  readonly password: Secret;
}

export interface BootstrapDeps extends SetPasswordPolicyServices {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly random: Random;
  readonly audit: AuditLog;
}

/**
 * Creates the tenant's first global admin. Refuses once a global admin exists: later admins are
 * made through the API by an admin, so this path cannot be used to take over a tenant. The
 * password holds to the cloud policy (`policy_violation` with the rules otherwise).
 */
export async function createFirstAdmin(
  deps: BootstrapDeps,
  tenantId: string,
  admin: FirstAdmin,
  via: { channel: 'cli' | 'link'; sourceIp?: string | null; requestId?: string | null },
): Promise<UserRow> {
  if ((await countGlobalAdmins(deps.db, tenantId)) > 0) {
    throw new FerryError('bootstrap_unavailable', 'the tenant already has a global admin');
  }
  await assertCloudPasswordPolicy(deps, admin.password, { displayName: admin.displayName });
  const user = await createCloudUser(deps.db, deps.clock, deps.random, tenantId, {
    upn: admin.email,
    displayName: admin.displayName,
    email: admin.email,
    password: admin.password,
  });
  await setRoles(deps.db, tenantId, user.id, ['global_admin'], deps.clock.now());
  await deps.audit.record({
    tenantId,
    actor: {
      type: via.channel === 'cli' ? 'system' : 'anonymous',
      name: `bootstrap-${via.channel}`,
    },
    action: 'admin.bootstrap',
    target: { type: 'user', id: user.id, name: user.upn },
    result: 'success',
    sourceIp: via.sourceIp,
    requestId: via.requestId,
  });
  return user;
}

/**
 * A one-time setup token for a tenant that has no admin yet, or undefined when it has one.
 * Only the token's hash is stored; it expires and works once.
 */
export async function issueBootstrapToken(
  deps: BootstrapDeps,
  tenantId: string,
  lifetimeMinutes: number,
): Promise<Secret | undefined> {
  if ((await countGlobalAdmins(deps.db, tenantId)) > 0) return undefined;
  const token = newToken(deps.random);
  const now = deps.clock.now();
  await deps.db
    .insertInto('bootstrap_tokens')
    .values({
      token_hash: hashToken(token),
      tenant_id: tenantId,
      created_at: now.toISOString(),
      expires_at: addMinutes(now, lifetimeMinutes).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** Spends a bootstrap token and creates the first admin with it. */
export async function redeemBootstrapToken(
  deps: BootstrapDeps,
  token: Secret,
  admin: FirstAdmin,
  via: { sourceIp: string; requestId: string },
): Promise<UserRow> {
  // A refused password must not spend the one-time link.
  await assertCloudPasswordPolicy(deps, admin.password, { displayName: admin.displayName });
  const now = deps.clock.now().toISOString();
  const hash = hashToken(token);
  // Marking the token used is a conditional update, so two concurrent redeems cannot both win.
  const spent = await deps.db
    .updateTable('bootstrap_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  const row = await deps.db
    .selectFrom('bootstrap_tokens')
    .select('tenant_id')
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1 || !row) {
    if (row) {
      await deps.audit.record({
        tenantId: row.tenant_id,
        actor: { type: 'anonymous', name: 'bootstrap-link' },
        action: 'admin.bootstrap',
        result: 'bootstrap_unavailable',
        sourceIp: via.sourceIp,
        requestId: via.requestId,
      });
    }
    throw new FerryError('bootstrap_unavailable', 'unknown, used or expired bootstrap token');
  }
  return createFirstAdmin(deps, row.tenant_id, admin, { channel: 'link', ...via });
}
