import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ConfigError } from '@ferry/config';
import { directoryConfigOf, loadAgentConfig } from './agent-config.js';
import { renderAgentConfigDoc } from './agent-config-doc.js';

const base = {
  FERRY_AGENT_LDAP_URLS: 'ldaps://dc1.corp.example:636, ldaps://dc2.corp.example:636',
  FERRY_AGENT_BIND_DN: 'CN=svc-ferry,OU=Service Accounts,DC=corp,DC=example',
  FERRY_AGENT_BIND_PASSWORD: 'service-Secret-1',
  FERRY_AGENT_BASE_DN: 'DC=corp,DC=example',
};

test('docs/agent-config.md equals the schema (run `npm run docs` after changing it)', () => {
  const committed = readFileSync(
    new URL('../../../../docs/agent-config.md', import.meta.url),
    'utf8',
  );
  assert.equal(committed, renderAgentConfigDoc());
});

test('environment variables fill the config; lists split on commas; writeback is off by default', () => {
  const config = loadAgentConfig(base);
  assert.deepEqual(config.ldapUrls, [
    'ldaps://dc1.corp.example:636',
    'ldaps://dc2.corp.example:636',
  ]);
  assert.equal(config.passwordWriteback, false);
  const directory = directoryConfigOf(config);
  assert.equal(String(directory.bindPassword), '[secret]');
  assert.equal(directory.bindPassword.reveal(), 'service-Secret-1');
});

test('a bad value is refused with the key named, and the secret is not echoed', () => {
  assert.throws(
    () =>
      directoryConfigOf(
        loadAgentConfig({ ...base, FERRY_AGENT_LDAP_URLS: 'ldap://dc1.corp.example' }),
      ),
    (error: unknown) => error instanceof ConfigError && /ldapUrls/.test(error.message),
  );
  assert.throws(
    () => loadAgentConfig({ ...base, FERRY_AGENT_LDAP_POOL_SIZE: 'many' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /ldapPoolSize \(FERRY_AGENT_LDAP_POOL_SIZE\)/.test(error.message),
  );
  assert.throws(
    () => loadAgentConfig({ ...base, FERRY_AGENT_BIND_DN: undefined }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /bindDn/.test(error.message) &&
      !error.message.includes('service-Secret-1'),
  );
});
