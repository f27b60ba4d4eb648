import type { Secret } from '@ferry/protocol';
import type { Kysely, Selectable } from 'kysely';
import { hashToken, newToken } from '../crypto/tokens.js';
import { fromBool, toBool } from '../store/connect.js';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { FerryError } from '../util/ferry-error.js';
import type { OidcClientAccess, OidcClientKind, OidcClientsTable } from './oidc-tables.js';

export type ApplicationRow = Selectable<OidcClientsTable>;

/** Scopes an application may be allowed besides `openid` (always there). */
export const optionalScopes = ['profile', 'email', 'groups', 'offline_access'] as const;
export type OptionalScope = (typeof optionalScopes)[number];

export interface Principal {
  readonly type: 'user' | 'group';
  readonly id: string;
}

export interface ApplicationInput {
  readonly name: string;
  readonly kind: OidcClientKind;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly scopes: readonly OptionalScope[];
  readonly access: OidcClientAccess;
  readonly assignments: readonly Principal[];
  readonly mfaRequired: boolean;
  readonly tenantConsent: boolean;
  readonly enabled: boolean;
}

export interface ApplicationView {
  readonly clientId: string;
  readonly name: string;
  readonly kind: OidcClientKind;
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  readonly scopes: OptionalScope[];
  readonly access: OidcClientAccess;
  readonly assignments: Principal[];
  readonly mfaRequired: boolean;
  readonly tenantConsent: boolean;
  readonly enabled: boolean;
  readonly hasSecret: boolean;
  readonly secretCreatedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ApplicationDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly random: Random;
}

/**
 * Applications (relying parties) an admin registers: what they may ask for, who may sign in
 * to them, whether a second factor is required. A confidential application gets a client
 * secret, shown once and stored as its SHA-256 (256 random bits: a fast digest is enough).
 */
export async function createApplication(
  deps: ApplicationDeps,
  tenantId: string,
  input: ApplicationInput,
): Promise<{ application: ApplicationView; clientSecret: Secret | undefined }> {
  const now = deps.clock.now().toISOString();
  const id = deps.random.uuid();
  const secret = input.kind === 'confidential' ? newToken(deps.random) : undefined;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('oidc_clients')
      .values({
        id,
        tenant_id: tenantId,
        ...columnsOf(input),
        secret_hash: secret ? hashToken(secret) : null,
        secret_created_at: secret ? now : null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await replaceAssignments(trx, tenantId, id, input);
  });
  return { application: await getApplication(deps.db, tenantId, id), clientSecret: secret };
}

/** Replaces an application's settings; the kind cannot change (a secret would appear or go). */
export async function updateApplication(
  deps: ApplicationDeps,
  tenantId: string,
  id: string,
  input: ApplicationInput,
): Promise<ApplicationView> {
  const existing = await getApplication(deps.db, tenantId, id);
  if (existing.kind !== input.kind) {
    throw new FerryError(
      'conflict',
      'an application cannot change between public and confidential',
    );
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('oidc_clients')
      .set({ ...columnsOf(input), updated_at: deps.clock.now().toISOString() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
    await replaceAssignments(trx, tenantId, id, input);
  });
  return getApplication(deps.db, tenantId, id);
}

/** A new client secret (the old one stops working at once); shown once. */
export async function newApplicationSecret(
  deps: ApplicationDeps,
  tenantId: string,
  id: string,
): Promise<Secret> {
  const existing = await getApplication(deps.db, tenantId, id);
  if (existing.kind !== 'confidential') {
    throw new FerryError('conflict', 'a public application has no client secret');
  }
  const secret = newToken(deps.random);
  const now = deps.clock.now().toISOString();
  await deps.db
    .updateTable('oidc_clients')
    .set({ secret_hash: hashToken(secret), secret_created_at: now, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
  return secret;
}

/** Removes the application, its access list and consents, and every artefact issued to it. */
export async function deleteApplication(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<ApplicationView> {
  const existing = await getApplication(db, tenantId, id);
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('oidc_client_access')
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', id)
      .execute();
    await trx
      .deleteFrom('oidc_consents')
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', id)
      .execute();
    await trx
      .deleteFrom('oidc_clients')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  });
  return existing;
}

export async function findApplication(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<ApplicationRow | undefined> {
  return db
    .selectFrom('oidc_clients')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function getApplication(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
): Promise<ApplicationView> {
  const row = await findApplication(db, tenantId, id);
  if (!row) throw new FerryError('not_found', `no application ${id}`);
  return toView(row, await assignmentsOf(db, tenantId, id));
}

export async function listApplications(
  db: Kysely<Database>,
  tenantId: string,
): Promise<ApplicationView[]> {
  const rows = await db
    .selectFrom('oidc_clients')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .execute();
  return Promise.all(
    rows.map(async (row) => toView(row, await assignmentsOf(db, tenantId, row.id))),
  );
}

/**
 * Whether the user may sign in to the application: everyone, or a user assigned directly or
 * through a group (cloud or synced) they are a member of.
 */
export async function mayUseApplication(
  db: Kysely<Database>,
  application: ApplicationRow,
  userId: string,
): Promise<boolean> {
  if (application.access === 'all') return true;
  const row = await db
    .selectFrom('oidc_client_access as a')
    .select('a.principal_id')
    .where('a.tenant_id', '=', application.tenant_id)
    .where('a.client_id', '=', application.id)
    .where((eb) =>
      eb.or([
        eb.and([eb('a.principal_type', '=', 'user'), eb('a.principal_id', '=', userId)]),
        eb.and([
          eb('a.principal_type', '=', 'group'),
          eb.exists(
            eb
              .selectFrom('group_members as m')
              .select('m.user_id')
              .whereRef('m.group_id', '=', 'a.principal_id')
              .where('m.tenant_id', '=', application.tenant_id)
              .where('m.user_id', '=', userId),
          ),
        ]),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

function columnsOf(input: ApplicationInput) {
  return {
    name: input.name,
    kind: input.kind,
    redirect_uris_json: JSON.stringify(input.redirectUris),
    post_logout_redirect_uris_json: JSON.stringify(input.postLogoutRedirectUris),
    scopes_json: JSON.stringify(input.scopes),
    access: input.access,
    mfa_required: fromBool(input.mfaRequired),
    tenant_consent: fromBool(input.tenantConsent),
    enabled: fromBool(input.enabled),
  };
}

async function replaceAssignments(
  trx: Kysely<Database>,
  tenantId: string,
  clientId: string,
  input: ApplicationInput,
): Promise<void> {
  await trx
    .deleteFrom('oidc_client_access')
    .where('tenant_id', '=', tenantId)
    .where('client_id', '=', clientId)
    .execute();
  const unique = new Map(input.assignments.map((item) => [`${item.type}:${item.id}`, item]));
  for (const principal of unique.values()) {
    const table = principal.type === 'user' ? 'users' : 'groups';
    const exists = await trx
      .selectFrom(table)
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', principal.id)
      .executeTakeFirst();
    if (!exists) {
      throw new FerryError('validation_failed', `assignment names no ${principal.type}`, {
        issues: [{ path: 'assignments', message: `no such ${principal.type}: ${principal.id}` }],
      });
    }
    await trx
      .insertInto('oidc_client_access')
      .values({
        tenant_id: tenantId,
        client_id: clientId,
        principal_type: principal.type,
        principal_id: principal.id,
      })
      .execute();
  }
}

async function assignmentsOf(
  db: Kysely<Database>,
  tenantId: string,
  clientId: string,
): Promise<Principal[]> {
  const rows = await db
    .selectFrom('oidc_client_access')
    .select(['principal_type', 'principal_id'])
    .where('tenant_id', '=', tenantId)
    .where('client_id', '=', clientId)
    .orderBy('principal_type')
    .orderBy('principal_id')
    .execute();
  return rows.map((row) => ({ type: row.principal_type, id: row.principal_id }));
}

function toView(row: ApplicationRow, assignments: Principal[]): ApplicationView {
  return {
    clientId: row.id,
    name: row.name,
    kind: row.kind,
    redirectUris: JSON.parse(row.redirect_uris_json) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris_json) as string[],
    scopes: JSON.parse(row.scopes_json) as OptionalScope[],
    access: row.access,
    assignments,
    mfaRequired: toBool(row.mfa_required),
    tenantConsent: toBool(row.tenant_consent),
    enabled: toBool(row.enabled),
    hasSecret: row.secret_hash !== null,
    secretCreatedAt: row.secret_created_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
