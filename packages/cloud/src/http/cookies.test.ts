import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieNames, cookiesHardened } from './cookies.js';

const loopback = { host: '127.0.0.1', tlsCertFile: undefined, publicUrl: undefined };

test('cookies are hardened unless a loopback listener serves plain http', () => {
  assert.equal(cookiesHardened(loopback), false);
  assert.equal(cookiesHardened({ ...loopback, host: '::1' }), false);
  assert.equal(cookiesHardened({ ...loopback, publicUrl: 'http://127.0.0.1:8080' }), false);
  assert.equal(cookiesHardened({ ...loopback, host: '0.0.0.0' }), true);
  assert.equal(cookiesHardened({ ...loopback, host: '10.0.0.5' }), true);
  assert.equal(cookiesHardened({ ...loopback, tlsCertFile: '/etc/ferry/cert.pem' }), true);
  assert.equal(cookiesHardened({ ...loopback, publicUrl: 'https://ferry.example.com' }), true);
});

test('hardened cookies carry the __Host- prefix, for admin and My Account alike', () => {
  const open = { ...loopback, host: '0.0.0.0' };
  assert.deepEqual(cookieNames(open, 'admin'), {
    session: '__Host-ferry_session',
    csrf: '__Host-ferry_csrf',
  });
  assert.deepEqual(cookieNames(open, 'user'), {
    session: '__Host-ferry_user',
    csrf: '__Host-ferry_user_csrf',
  });
  assert.deepEqual(cookieNames(loopback, 'user'), {
    session: 'ferry_user',
    csrf: 'ferry_user_csrf',
  });
});
