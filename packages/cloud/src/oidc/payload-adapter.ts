import { Secret } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { SecretBox } from '../crypto/secret-box.js';
import { hashToken } from '../crypto/tokens.js';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';

export interface PayloadStoreDeps {
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly clock: Clock;
  readonly tenantId: string;
}

/** Models whose rows name a grant: revoking the grant removes them. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'Grant']);

const digest = (value: string) => hashToken(Secret.of(value));

/**
 * The provider's storage on Ferry's store, shared by every cloud node. An artefact's id is
 * the bearer value itself for codes, tokens and sessions, so rows are keyed by its SHA-256
 * and the payload is sealed with the data key, bound to model and key: a copy of the
 * database yields no usable token and no readable claim.
 *
 * `consume` is one conditional UPDATE: of two redemptions of one code or refresh token that
 * raced past the provider's own "already consumed" check, exactly one wins; the other finds
 * the row taken, revokes the whole grant (RFC 6749 §4.1.2, RFC 9700 §4.14.2) and is refused.
 */
export class PayloadAdapter implements Adapter {
  constructor(
    private readonly deps: PayloadStoreDeps,
    readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const { db, clock, tenantId } = this.deps;
    const idHash = digest(id);
    const row = {
      payload_sealed: this.#seal(idHash, payload),
      grant_id: payload.grantId ?? (this.model === 'Grant' ? id : null),
      uid_hash: payload.uid ? digest(payload.uid) : null,
      user_code_hash: payload.userCode ? digest(payload.userCode) : null,
      expires_at:
        expiresIn > 0 ? new Date(clock.now().getTime() + expiresIn * 1000).toISOString() : null,
    };
    await db
      .insertInto('oidc_payloads')
      .values({
        tenant_id: tenantId,
        model: this.model,
        id_hash: idHash,
        consumed_at: null,
        ...row,
      })
      .onConflict((oc) => oc.columns(['model', 'id_hash']).doUpdateSet(row))
      .execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('id_hash', digest(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('uid_hash', digest(uid));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('user_code_hash', digest(userCode));
  }

  async consume(id: string): Promise<void> {
    const { db, clock, tenantId } = this.deps;
    const idHash = digest(id);
    const taken = await db
      .updateTable('oidc_payloads')
      .set({ consumed_at: clock.now().toISOString() })
      .where('tenant_id', '=', tenantId)
      .where('model', '=', this.model)
      .where('id_hash', '=', idHash)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) return;
    const row = await db
      .selectFrom('oidc_payloads')
      .select('grant_id')
      .where('tenant_id', '=', tenantId)
      .where('model', '=', this.model)
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    if (row?.grant_id) await this.#revokeGrant(row.grant_id);
    throw new errors.InvalidGrant(`${this.model} already used`);
  }

  async destroy(id: string): Promise<void> {
    await this.deps.db
      .deleteFrom('oidc_payloads')
      .where('tenant_id', '=', this.deps.tenantId)
      .where('model', '=', this.model)
      .where('id_hash', '=', digest(id))
      .execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.deps.db
      .deleteFrom('oidc_payloads')
      .where('tenant_id', '=', this.deps.tenantId)
      .where('model', '=', this.model)
      .where('grant_id', '=', grantId)
      .execute();
  }

  /** Every token of the grant, and the grant itself: nothing issued under it works again. */
  async #revokeGrant(grantId: string): Promise<void> {
    await this.deps.db
      .deleteFrom('oidc_payloads')
      .where('tenant_id', '=', this.deps.tenantId)
      .where('model', 'in', [...GRANTABLE])
      .where('grant_id', '=', grantId)
      .execute();
  }

  async #findBy(
    column: 'id_hash' | 'uid_hash' | 'user_code_hash',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const { db, clock, tenantId } = this.deps;
    const row = await db
      .selectFrom('oidc_payloads')
      .select(['id_hash', 'payload_sealed', 'consumed_at'])
      .where('tenant_id', '=', tenantId)
      .where('model', '=', this.model)
      .where(column, '=', value)
      .where((eb) =>
        eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', clock.now().toISOString())]),
      )
      .executeTakeFirst();
    if (!row) return undefined;
    const payload = JSON.parse(
      this.deps.box.open(row.payload_sealed, this.#binding(row.id_hash)).reveal(),
    ) as AdapterPayload;
    return row.consumed_at
      ? { ...payload, consumed: Math.floor(Date.parse(row.consumed_at) / 1000) }
      : payload;
  }

  #seal(idHash: string, payload: AdapterPayload): string {
    return this.deps.box.seal(Secret.of(JSON.stringify(payload)), this.#binding(idHash));
  }

  #binding(idHash: string): string {
    return `oidc:${this.deps.tenantId}:${this.model}:${idHash}`;
  }
}

/** Removes artefacts past their expiry (run now and then by each node; idempotent). */
export async function purgeExpiredPayloads(deps: PayloadStoreDeps): Promise<number> {
  const now = deps.clock.now().toISOString();
  const gone = await deps.db
    .deleteFrom('oidc_payloads')
    .where('tenant_id', '=', deps.tenantId)
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  await deps.db
    .deleteFrom('oidc_sign_ins')
    .where('tenant_id', '=', deps.tenantId)
    .where('expires_at', '<=', now)
    .execute();
  return Number(gone.numDeletedRows);
}
