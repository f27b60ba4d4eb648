import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { systemRandom } from '../util/clock.js';
import { base32Decode, base32Encode } from './base32.js';
import { matchingTotpStep, newTotpSeed, otpauthUri, totpCode, totpStep } from './totp.js';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (codes truncated to 6 digits).
const rfcSeed = Secret.of(base32Encode(Buffer.from('12345678901234567890')));

test('TOTP codes match the RFC 6238 test vectors', () => {
  const vectors: Array<[number, string]> = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ];
  for (const [seconds, code] of vectors) {
    assert.equal(totpCode(rfcSeed, totpStep(new Date(seconds * 1000))).reveal(), code);
  }
});

test('a code matches within one step of drift and not beyond', () => {
  const now = new Date('2026-03-01T09:00:10Z');
  const step = totpStep(now);
  assert.equal(matchingTotpStep(rfcSeed, totpCode(rfcSeed, step - 1), now), step - 1);
  assert.equal(matchingTotpStep(rfcSeed, totpCode(rfcSeed, step + 1), now), step + 1);
  assert.equal(matchingTotpStep(rfcSeed, totpCode(rfcSeed, step - 2), now), undefined);
  assert.equal(matchingTotpStep(rfcSeed, Secret.of('12345'), now), undefined);
});

test('seeds are 160-bit base32 and the otpauth URI carries them', () => {
  const seed = newTotpSeed(systemRandom);
  assert.match(seed.reveal(), /^[A-Z2-7]{32}$/);
  assert.equal(base32Decode(seed.reveal()).length, 20);
  const uri = otpauthUri({ issuer: 'Ferry', account: 'ann@contoso.test', seed }).reveal();
  assert.match(
    uri,
    /^otpauth:\/\/totp\/Ferry:ann%40contoso\.test\?secret=[A-Z2-7]{32}&issuer=Ferry/,
  );
  assert.equal(String(seed), '[secret]');
});
