import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '@ferry/config';
import {
  directoryConfigOf,
  loadAgentConfig,
  loadAgentStateDir,
  syncFilterOf,
  withDefaultConfigFile,
} from './agent-config.js';
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

test('a config file holds the settings, its secret as <key>File; the environment still wins', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-agent-config-'));
  writeFileSync(path.join(dir, 'bind-password'), 'file-Secret-2\n', { mode: 0o600 });
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(
    file,
    [
      'ldapUrls: [ldaps://dc1.corp.example]',
      'bindDn: CN=svc-ferry,DC=corp,DC=example',
      `bindPasswordFile: ${path.join(dir, 'bind-password')}`,
      'baseDn: DC=corp,DC=example',
      'passwordWriteback: true',
    ].join('\n'),
  );
  const config = loadAgentConfig({ FERRY_AGENT_CONFIG: file, FERRY_AGENT_BASE_DN: 'OU=x,DC=y' });
  assert.equal(config.bindPassword, 'file-Secret-2');
  assert.equal(config.passwordWriteback, true);
  assert.equal(config.baseDn, 'OU=x,DC=y');
  writeFileSync(file, `bindPasswordFile: ${path.join(dir, 'missing')}\n`);
  assert.throws(
    () => loadAgentConfig({ FERRY_AGENT_CONFIG: file }),
    (error: unknown) => error instanceof ConfigError && /bindPasswordFile/.test(error.message),
  );
});

test('the default file is used only when it exists and nothing else names one', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-agent-config-'));
  const file = path.join(dir, 'agent.yaml');
  assert.deepEqual(withDefaultConfigFile({}, file), {});
  writeFileSync(file, 'stateDir: /var/lib/ferry-agent\n');
  assert.equal(withDefaultConfigFile({}, file)['FERRY_AGENT_CONFIG'], file);
  assert.equal(
    withDefaultConfigFile({ FERRY_AGENT_CONFIG: 'x.yaml' }, file)['FERRY_AGENT_CONFIG'],
    'x.yaml',
  );
});

test('enrollment reads the state folder without any directory setting', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-agent-config-'));
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, 'stateDir: /var/lib/ferry-agent\nbaseDn: DC=corp,DC=example\n');
  assert.equal(loadAgentStateDir({ FERRY_AGENT_CONFIG: file }), '/var/lib/ferry-agent');
  assert.equal(loadAgentStateDir({ FERRY_AGENT_CONFIG: file, FERRY_AGENT_STATE_DIR: '/s' }), '/s');
  assert.throws(() => loadAgentConfig({ FERRY_AGENT_CONFIG: file }), ConfigError);
});

test('critical system objects are left out of sync unless asked for; the admin filter is kept', () => {
  assert.equal(syncFilterOf(loadAgentConfig(base)), '(!(isCriticalSystemObject=TRUE))');
  assert.equal(
    syncFilterOf(loadAgentConfig({ ...base, FERRY_AGENT_SYNC_FILTER: 'department=Sales' })),
    '(&(!(isCriticalSystemObject=TRUE))(department=Sales))',
  );
  const all = loadAgentConfig({ ...base, FERRY_AGENT_SYNC_CRITICAL_OBJECTS: 'true' });
  assert.equal(syncFilterOf(all), undefined);
});

test('syncUsnPollMs: 250 ms by default, 0 turns the probe off, below 50 ms is refused', () => {
  assert.equal(loadAgentConfig(base).syncUsnPollMs, 250);
  assert.equal(loadAgentConfig({ ...base, FERRY_AGENT_SYNC_USN_POLL_MS: '0' }).syncUsnPollMs, 0);
  assert.equal(
    loadAgentConfig({ ...base, FERRY_AGENT_SYNC_USN_POLL_MS: '1000' }).syncUsnPollMs,
    1000,
  );
  assert.throws(
    () => loadAgentConfig({ ...base, FERRY_AGENT_SYNC_USN_POLL_MS: '10' }),
    (error: unknown) => error instanceof ConfigError && /syncUsnPollMs/.test(error.message),
  );
});
