import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cloudEndpoint, gatewayUrl } from './gateway-url.js';

test('the cloud is reached over https; plain http only on loopback', () => {
  assert.equal(
    cloudEndpoint('https://ferry.contoso.test', '/api/v1/agents/enroll').href,
    'https://ferry.contoso.test/api/v1/agents/enroll',
  );
  assert.equal(
    cloudEndpoint('http://127.0.0.1:8080', '/api/v1/agents/enroll').href,
    'http://127.0.0.1:8080/api/v1/agents/enroll',
  );
  assert.throws(
    () => cloudEndpoint('http://ferry.contoso.test', '/x'),
    /must be reached over https/,
  );
  assert.throws(() => cloudEndpoint('http://10.0.0.5:8080', '/x'), /must be reached over https/);
  assert.equal(gatewayUrl('https://ferry.contoso.test', '/agent').protocol, 'wss:');
  assert.equal(gatewayUrl('http://localhost:8080', '/agent').protocol, 'ws:');
});
