import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Secret } from '@ferry/protocol';
import type { Random } from '../util/clock.js';

const VERSION = 'v1';

/**
 * AES-256-GCM encryption of small secrets at rest (TOTP seeds). The output is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url; `aad` binds a ciphertext to its row so it cannot
 * be moved to another user.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #random: Random;

  constructor(key: Buffer, random: Random) {
    if (key.length !== 32) throw new Error('the data key must be 32 bytes');
    this.#key = key;
    this.#random = random;
  }

  seal(plaintext: Secret, aad: string): string {
    const iv = this.#random.bytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext.reveal(), 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  open(sealed: string, aad: string): Secret {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw new Error('not a sealed value');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return Secret.of(text.toString('utf8'));
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretBox([secret])';
  }
}
