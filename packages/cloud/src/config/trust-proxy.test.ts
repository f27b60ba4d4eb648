import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from './load.js';
import { fastifyTrustProxy } from './trust-proxy.js';

const trustProxy = (value: string) => loadConfig({ FERRY_TRUST_PROXY: value }).trustProxy;

test('FERRY_TRUST_PROXY takes off, a hop count, or proxy addresses and ranges', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  for (const off of ['false', 'off', '0', '']) assert.equal(trustProxy(off), false, off);
  assert.equal(trustProxy('2'), 2);
  assert.deepEqual(trustProxy('10.0.0.0/8, 192.168.1.7,::1,fd00::/8'), [
    '10.0.0.0/8',
    '192.168.1.7',
    '::1',
    'fd00::/8',
  ]);
});

test('trusting everyone, too many hops or a bad range is refused with the key named', () => {
  for (const value of ['true', 'on', '11', '10.0.0.0/33', 'proxy.example.com', '1.2.3.4/8/1']) {
    assert.throws(
      () => trustProxy(value),
      (error: unknown) => error instanceof ConfigError && /FERRY_TRUST_PROXY/.test(error.message),
      value,
    );
  }
  assert.throws(() => trustProxy('true'), /any client choose its address/);
  assert.throws(
    () => loadConfig({ FERRY_TRUST_PROXY: '1', FERRY_HOST: '0.0.0.0' }),
    /hop count is only safe when the cloud listens on loopback/,
  );
  assert.deepEqual(
    loadConfig({ FERRY_TRUST_PROXY: '10.0.0.5', FERRY_HOST: '0.0.0.0' }).trustProxy,
    ['10.0.0.5'],
  );
});

test('each form makes Fastify believe only the trusted hops of X-Forwarded-For', async () => {
  const seen = async (setting: string, remoteAddress: string, forwardedFor: string) => {
    const app = Fastify({ trustProxy: fastifyTrustProxy(trustProxy(setting)) });
    app.get('/', (request) => ({ ip: request.ip }));
    const response = await app.inject({
      url: '/',
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
    });
    await app.close();
    return (response.json() as { ip: string }).ip;
  };
  // A client forges the first entry; the one proxy in front appends the real address.
  assert.equal(await seen('1', '127.0.0.1', '6.6.6.6, 203.0.113.9'), '203.0.113.9');
  assert.equal(await seen('false', '127.0.0.1', '6.6.6.6, 203.0.113.9'), '127.0.0.1');
  assert.equal(await seen('127.0.0.0/8', '127.0.0.1', '6.6.6.6, 203.0.113.9'), '203.0.113.9');
  // A client that is not a trusted proxy cannot choose its address.
  assert.equal(await seen('127.0.0.0/8', '198.51.100.4', '6.6.6.6'), '198.51.100.4');
});
