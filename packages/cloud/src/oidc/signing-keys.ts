import { Secret } from '@ferry/protocol';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';

export const SIGNING_ALG = 'RS256';
/** A retired key stays published this long: ID tokens it signed (1 hour at most) still verify. */
export const RETIRED_KEY_GRACE_MS = 24 * 60 * 60_000;
/** An automatic rotation publishes the new key this long before it signs (RP JWKS caches). */
export const AUTOMATIC_LEAD_MS = 24 * 60 * 60_000;

export interface SigningKeyDeps {
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly clock: Clock;
  readonly tenantId: string;
}

export interface SigningKeyView {
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: string;
  readonly activeFrom: string;
  /** `next`: published, not signing yet; `current`: signs; `retired`: published, not signing. */
  readonly state: 'next' | 'current' | 'retired';
}

/** The private JWKS the provider is built with: the signing key first, then the others. */
export interface SigningKeySet {
  readonly keys: readonly JWK[];
  /** Changes whenever the published set or the signing key changes. */
  readonly version: string;
  readonly views: readonly SigningKeyView[];
}

interface KeyRow {
  readonly kid: string;
  readonly alg: string;
  readonly private_sealed: string;
  readonly created_at: string;
  readonly active_from: string;
}

const binding = (tenantId: string, kid: string) => `oidc-signing-key:${tenantId}:${kid}`;

/**
 * ID token signing keys, sealed at rest with the data key like the cloud's operation-signing
 * key, shared by every node through the store. Rotation publishes a new key before it signs
 * (`activeFrom`), keeps the previous one published for a day after it stopped signing, then
 * drops it. The first node to find no key makes one; a rotation that is due (`rotationDays`
 * after the current key started) is scheduled the same way, once, by whichever node sees it.
 */
export async function loadSigningKeys(
  deps: SigningKeyDeps,
  rotationDays: number,
): Promise<SigningKeySet> {
  let rows = await listRows(deps);
  const now = deps.clock.now().getTime();
  if (rows.length === 0) {
    await addKey(deps, new Date(now), 'first');
    rows = await listRows(deps);
  }
  const current = currentOf(rows, now);
  const pending = rows.some((row) => Date.parse(row.active_from) > now);
  if (
    current &&
    !pending &&
    now - Date.parse(current.active_from) >= rotationDays * 24 * 60 * 60_000
  ) {
    await addKey(deps, new Date(now + AUTOMATIC_LEAD_MS), `due:${current.kid}`);
    rows = await listRows(deps);
  }
  await dropRetired(deps, rows, now);
  rows = await listRows(deps);
  return keySetOf(deps, rows, now);
}

/**
 * An admin's rotation: a new key that signs after `activateInMinutes` (0 for at once); with
 * `retirePrevious` (a key thought compromised) every other key leaves the JWKS at once.
 */
export async function rotateSigningKey(
  deps: SigningKeyDeps,
  options: { readonly activateInMinutes: number; readonly retirePrevious: boolean },
): Promise<SigningKeyView> {
  const now = deps.clock.now().getTime();
  // Retiring the others leaves only the new key: it must sign at once.
  const delay = options.retirePrevious ? 0 : options.activateInMinutes * 60_000;
  const kid = await addKey(deps, new Date(now + delay), null);
  if (options.retirePrevious) {
    await deps.db
      .deleteFrom('oidc_signing_keys')
      .where('tenant_id', '=', deps.tenantId)
      .where('kid', '!=', kid)
      .execute();
  }
  const set = keySetOf(deps, await listRows(deps), now);
  return set.views.find((view) => view.kid === kid)!;
}

async function listRows(deps: SigningKeyDeps): Promise<KeyRow[]> {
  return deps.db
    .selectFrom('oidc_signing_keys')
    .select(['kid', 'alg', 'private_sealed', 'created_at', 'active_from'])
    .where('tenant_id', '=', deps.tenantId)
    .orderBy('active_from', 'desc')
    .orderBy('kid')
    .execute();
}

/** The newest key whose time has come. */
function currentOf(rows: readonly KeyRow[], now: number): KeyRow | undefined {
  return rows.find((row) => Date.parse(row.active_from) <= now);
}

/**
 * `reason` makes automatic creations idempotent across nodes: two nodes that both find no
 * key (or the same rotation due) derive the same kid and only one insert lands.
 */
async function addKey(
  deps: SigningKeyDeps,
  activeFrom: Date,
  reason: string | null,
): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, {
    extractable: true,
    modulusLength: 2048,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = reason
    ? await reasonKid(deps.tenantId, reason)
    : await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  await deps.db
    .insertInto('oidc_signing_keys')
    .values({
      kid,
      tenant_id: deps.tenantId,
      alg: SIGNING_ALG,
      private_sealed: deps.box.seal(
        Secret.of(JSON.stringify(privateJwk)),
        binding(deps.tenantId, kid),
      ),
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' }),
      created_at: deps.clock.now().toISOString(),
      active_from: activeFrom.toISOString(),
    })
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
  return kid;
}

async function reasonKid(tenantId: string, reason: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${tenantId}:${reason}`);
  const hash = Buffer.from(await crypto.subtle.digest('SHA-256', bytes));
  return hash.subarray(0, 16).toString('base64url');
}

/** Keys that stopped signing more than a day ago are no longer published. */
async function dropRetired(
  deps: SigningKeyDeps,
  rows: readonly KeyRow[],
  now: number,
): Promise<void> {
  const active = rows.filter((row) => Date.parse(row.active_from) <= now);
  // rows are newest first: each active key stopped signing when the one before it started.
  const stale: string[] = [];
  for (let i = 1; i < active.length; i++) {
    const supersededAt = Date.parse(active[i - 1]!.active_from);
    if (now - supersededAt > RETIRED_KEY_GRACE_MS) stale.push(active[i]!.kid);
  }
  if (stale.length === 0) return;
  await deps.db
    .deleteFrom('oidc_signing_keys')
    .where('tenant_id', '=', deps.tenantId)
    .where('kid', 'in', stale)
    .execute();
}

function keySetOf(deps: SigningKeyDeps, rows: readonly KeyRow[], now: number): SigningKeySet {
  const current = currentOf(rows, now);
  const ordered = current ? [current, ...rows.filter((row) => row !== current)] : [...rows];
  const views = ordered.map((row): SigningKeyView => ({
    kid: row.kid,
    alg: row.alg,
    createdAt: row.created_at,
    activeFrom: row.active_from,
    state: row === current ? 'current' : Date.parse(row.active_from) > now ? 'next' : 'retired',
  }));
  return {
    keys: ordered.map(
      (row) =>
        JSON.parse(
          deps.box.open(row.private_sealed, binding(deps.tenantId, row.kid)).reveal(),
        ) as JWK,
    ),
    version: views.map((view) => `${view.kid}:${view.state}`).join(','),
    views,
  };
}
