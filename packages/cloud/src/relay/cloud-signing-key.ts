import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import { importKey, Secret, SIGNING_ALG } from '@ferry/protocol';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Clock } from '../util/clock.js';
import type { Database } from '../store/tables.js';

export const CLOUD_KEY_ID = 'operation-signing';

export interface CloudSigningKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * The key every cloud node signs operations with (agents pin its public half at enrollment).
 * Made once, stored sealed under the data key, so all nodes sharing the store use the same
 * one; the first node to start wins a race to create it.
 */
export async function loadCloudSigningKey(
  db: Kysely<Database>,
  box: SecretBox,
  clock: Clock,
): Promise<CloudSigningKey> {
  const existing = await db
    .selectFrom('cloud_keys')
    .selectAll()
    .where('id', '=', CLOUD_KEY_ID)
    .executeTakeFirst();
  if (!existing) {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, {
      crv: 'Ed25519',
      extractable: true,
    });
    const privateJwk = JSON.stringify(await exportJWK(privateKey));
    await db
      .insertInto('cloud_keys')
      .values({
        id: CLOUD_KEY_ID,
        private_sealed: box.seal(Secret.of(privateJwk), CLOUD_KEY_ID),
        public_jwk: JSON.stringify(await exportJWK(publicKey)),
        created_at: clock.now().toISOString(),
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  }
  const row = await db
    .selectFrom('cloud_keys')
    .selectAll()
    .where('id', '=', CLOUD_KEY_ID)
    .executeTakeFirstOrThrow();
  const privateJwk = JSON.parse(box.open(row.private_sealed, CLOUD_KEY_ID).reveal()) as JWK;
  return {
    privateKey: await importKey(privateJwk, SIGNING_ALG),
    publicJwk: JSON.parse(row.public_jwk) as JWK,
  };
}
