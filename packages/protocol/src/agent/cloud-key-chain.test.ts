import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signEdDsa } from './compact-jose.js';
import { CLOUD_KEY_TYP, endorseCloudKey, followCloudKeyChain } from './cloud-key-chain.js';
import { generateSigningKeyPair, importKey, SIGNING_ALG } from './envelope.js';

async function chainOf(length: number) {
  const keys = [];
  for (let i = 0; i < length; i += 1) keys.push(await generateSigningKeyPair());
  const endorsements = [];
  for (let i = 1; i < length; i += 1) {
    const previous = await importKey(keys[i - 1]!.privateJwk, SIGNING_ALG);
    endorsements.push(endorseCloudKey(previous, keys[i]!.publicJwk, new Date()));
  }
  return { keys, endorsements };
}

const publicPart = (jwk: { kty?: string; crv?: string; x?: string }) => ({
  kty: jwk.kty,
  crv: jwk.crv,
  x: jwk.x,
});

test('an agent follows the chain from whichever key it pinned to the newest', async () => {
  const { keys, endorsements } = await chainOf(4);
  for (const start of [0, 1, 2]) {
    assert.deepEqual(
      followCloudKeyChain(keys[start]!.publicJwk, endorsements),
      publicPart(keys[3]!.publicJwk),
      `from key ${start}`,
    );
  }
  assert.equal(followCloudKeyChain(keys[3]!.publicJwk, endorsements), undefined, 'already newest');
  assert.equal(followCloudKeyChain(keys[0]!.publicJwk, []), undefined);
});

test('an endorsement not signed by the pinned key, or naming a private key, moves nothing', async () => {
  const { keys, endorsements } = await chainOf(2);
  const stranger = await generateSigningKeyPair();
  const forged = endorseCloudKey(
    await importKey(stranger.privateJwk, SIGNING_ALG),
    stranger.publicJwk,
    new Date(),
  );
  assert.equal(followCloudKeyChain(keys[0]!.publicJwk, [forged]), undefined);
  const pinnedPrivate = await importKey(keys[0]!.privateJwk, SIGNING_ALG);
  const withPrivate = signEdDsa(
    pinnedPrivate,
    CLOUD_KEY_TYP,
    JSON.stringify({ key: stranger.privateJwk, issuedAt: new Date().toISOString() }),
  );
  assert.equal(followCloudKeyChain(keys[0]!.publicJwk, [withPrivate]), undefined);
  const otherType = signEdDsa(
    pinnedPrivate,
    'ferry-operation+jws',
    JSON.stringify({ key: publicPart(stranger.publicJwk), issuedAt: new Date().toISOString() }),
  );
  assert.equal(followCloudKeyChain(keys[0]!.publicJwk, [otherType]), undefined);
  assert.deepEqual(
    followCloudKeyChain(keys[0]!.publicJwk, [forged, ...endorsements, 'junk']),
    publicPart(keys[1]!.publicJwk),
  );
});
