import { generateSigningKeyPair, importKey, SIGNING_ALG } from '@ferry/protocol';
import type { CryptoKey } from 'jose';

let key: Promise<CryptoKey> | undefined;

/**
 * A public key whose private half was thrown away: the gateway checks the proof of an agent
 * id it does not know against it, so that an unknown id costs the same work as a wrong key
 * and gets the same answer.
 */
export function unknownAgentKey(): Promise<CryptoKey> {
  key ??= generateSigningKeyPair().then(({ publicJwk }) => importKey(publicJwk, SIGNING_ALG));
  return key;
}
