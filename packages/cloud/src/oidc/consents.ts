import type { Kysely } from 'kysely';
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { findApplication, type OptionalScope } from './applications.js';

/**
 * The grant for this authorization: the one the session holds for the application; else one
 * made from what the tenant's admin consented to for everyone, or what this user consented to
 * before (consent is asked once per application, not once per session). When the request
 * asks for more, the provider's consent prompt follows.
 */
export async function loadConsentedGrant(
  db: Kysely<Database>,
  tenantId: string,
  ctx: KoaContextWithOIDC,
): Promise<Grant | undefined> {
  const { provider, client, session } = ctx.oidc;
  if (!client || !session) return undefined;
  const grantId =
    (ctx.oidc.result?.['consent'] as { grantId?: string } | undefined)?.grantId ??
    session.grantIdFor(client.clientId);
  if (grantId) {
    const grant = await provider.Grant.find(grantId);
    if (grant) return grant;
  }
  const accountId = session.accountId;
  if (!accountId) return undefined;
  const scopes = await consentedScopes(db, tenantId, client.clientId, accountId);
  if (!scopes) return undefined;
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  grant.addOIDCScope(scopes);
  await grant.save();
  return grant;
}

async function consentedScopes(
  db: Kysely<Database>,
  tenantId: string,
  clientId: string,
  userId: string,
): Promise<string | undefined> {
  const application = await findApplication(db, tenantId, clientId);
  if (!application) return undefined;
  if (application.tenant_consent === 1) {
    return ['openid', ...(JSON.parse(application.scopes_json) as OptionalScope[])].join(' ');
  }
  const row = await db
    .selectFrom('oidc_consents')
    .select('scopes')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row?.scopes;
}

/** Remembers the user's consent (adding to what they consented to before). */
export async function recordConsent(
  db: Kysely<Database>,
  clock: Clock,
  input: { tenantId: string; userId: string; clientId: string; scopes: readonly string[] },
): Promise<void> {
  const previous = await db
    .selectFrom('oidc_consents')
    .select('scopes')
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', '=', input.userId)
    .where('client_id', '=', input.clientId)
    .executeTakeFirst();
  const scopes = [...new Set([...(previous?.scopes.split(' ') ?? []), ...input.scopes])]
    .filter(Boolean)
    .join(' ');
  const row = {
    tenant_id: input.tenantId,
    user_id: input.userId,
    client_id: input.clientId,
    scopes,
    granted_at: clock.now().toISOString(),
  };
  await db
    .insertInto('oidc_consents')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes, granted_at: row.granted_at }),
    )
    .execute();
}
