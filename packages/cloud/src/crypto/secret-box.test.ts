import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { systemRandom } from '../util/clock.js';
import { SecretBox } from './secret-box.js';

const box = new SecretBox(systemRandom.bytes(32), systemRandom);

test('seal then open returns the plaintext; the sealed text does not contain it', () => {
  const sealed = box.seal(Secret.of('JBSWY3DPEHPK3PXP'), 'totp:t:u');
  assert.doesNotMatch(sealed, /JBSWY3DPEHPK3PXP/);
  assert.equal(box.open(sealed, 'totp:t:u').reveal(), 'JBSWY3DPEHPK3PXP');
  assert.notEqual(
    box.seal(Secret.of('JBSWY3DPEHPK3PXP'), 'totp:t:u'),
    sealed,
    'fresh IV each time',
  );
});

test('a different binding, key or a tampered byte fails to open', () => {
  const sealed = box.seal(Secret.of('seed'), 'totp:t:u1');
  assert.throws(() => box.open(sealed, 'totp:t:u2'));
  assert.throws(() =>
    new SecretBox(systemRandom.bytes(32), systemRandom).open(sealed, 'totp:t:u1'),
  );
  const parts = sealed.split('.');
  const body = Buffer.from(parts[3] ?? '', 'base64url');
  body[0] = (body[0] ?? 0) ^ 1;
  parts[3] = body.toString('base64url');
  assert.throws(() => box.open(parts.join('.'), 'totp:t:u1'));
});
