import { endorseCloudKey, Secret, SIGNING_ALG } from '@ferry/protocol';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { CLOUD_KEY_ID, loadCloudSigningKey, type CloudSigningKey } from './cloud-signing-key.js';

/**
 * The cloud's operation-signing key as this node uses it now, with the chain of endorsements
 * that lets agents follow a rotation (`rotateCloudSigningKey`). A node reloads it when the bus
 * says the key changed.
 */
export class CloudKeyRing {
  #current: CloudSigningKey;
  #endorsements: string[];

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    current: CloudSigningKey,
    endorsements: string[],
  ) {
    this.#current = current;
    this.#endorsements = endorsements;
  }

  static async load(db: Kysely<Database>, box: SecretBox, clock: Clock): Promise<CloudKeyRing> {
    const current = await loadCloudSigningKey(db, box, clock);
    return new CloudKeyRing(db, box, clock, current, await loadEndorsements(db));
  }

  get current(): CloudSigningKey {
    return this.#current;
  }

  /** Every endorsement, oldest first (empty until the first rotation). */
  get endorsements(): readonly string[] {
    return this.#endorsements;
  }

  /**
   * Rotates the key in the store (`rotateCloudSigningKey`). This node keeps signing with the
   * old one until `reload`, which the gateway calls on the bus message, then tells its agents.
   */
  rotate(): Promise<{ key: JWK; position: number }> {
    return rotateCloudSigningKey(this.db, this.box, this.clock);
  }

  /**
   * Reads the key and chain again. `switched` runs in the same synchronous step as the switch,
   * so whatever it sends to agents leaves before any operation signed with the new key.
   */
  async reload(switched?: (endorsements: string[]) => void): Promise<void> {
    const current = await loadCloudSigningKey(this.db, this.box, this.clock);
    const endorsements = await loadEndorsements(this.db);
    this.#current = current;
    this.#endorsements = endorsements;
    switched?.([...endorsements]);
  }
}

async function loadEndorsements(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('cloud_key_endorsements')
    .select('endorsement')
    .orderBy('position')
    .execute();
  return rows.map((row) => row.endorsement);
}

/**
 * Replaces the cloud's operation-signing key: a new Ed25519 pair, its public half endorsed by
 * the current private key (appended to the chain), in one transaction that fails if another
 * rotation won the race. The old private key is not kept. Returns the new public key and its place in the chain.
 */
export async function rotateCloudSigningKey(
  db: Kysely<Database>,
  box: SecretBox,
  clock: Clock,
): Promise<{ key: JWK; position: number }> {
  const current = await loadCloudSigningKey(db, box, clock);
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const now = clock.now();
  const endorsement = endorseCloudKey(current.privateKey, publicJwk, now);
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('cloud_key_endorsements')
      .select((eb) => eb.fn.max('position').as('position'))
      .executeTakeFirst();
    const replaced = await trx
      .updateTable('cloud_keys')
      .set({
        private_sealed: box.seal(
          Secret.of(JSON.stringify(await exportJWK(privateKey))),
          CLOUD_KEY_ID,
        ),
        public_jwk: JSON.stringify(publicJwk),
        created_at: now.toISOString(),
      })
      .where('id', '=', CLOUD_KEY_ID)
      .where('public_jwk', '=', JSON.stringify(current.publicJwk))
      .executeTakeFirst();
    if (replaced.numUpdatedRows !== 1n) throw new Error('the cloud signing key changed meanwhile');
    const position = Number(last?.position ?? 0) + 1;
    await trx
      .insertInto('cloud_key_endorsements')
      .values({ position, endorsement, created_at: now.toISOString() })
      .execute();
    return { key: publicJwk, position };
  });
}
