import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeAgentConfig } from './config-file.js';
import type { SetupAnswers } from './setup-flags.js';

const answers: SetupAnswers = {
  cloudUrl: 'https://ferry.example.com',
  token: 'not written',
  name: 'agent-1',
  dialect: 'ad',
  ldapUrls: ['ldaps://dc1.corp.example.com:636', 'ldaps://dc2.corp.example.com:636'],
  caFile: '/etc/ferry/ca.pem',
  bindDn: 'CN=svc-ferry,OU=Service Accounts,DC=corp,DC=example,DC=com',
  bindPassword: 'p: "quoted" # not a comment',
  baseDn: 'DC=corp,DC=example,DC=com',
  includeOus: ['OU=Staff,DC=corp,DC=example,DC=com', 'OU=Sales; Paris,DC=corp,DC=example,DC=com'],
  excludeOus: [],
  syncCriticalObjects: false,
  passwordWriteback: true,
  accountUnlock: false,
  sync: true,
};

test('the written file loads through the schema as the answers, owner-only, the password apart', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-setup-config-'));
  const configFile = path.join(dir, 'etc', 'agent.yaml');
  const { config, passwordFile } = writeAgentConfig(answers, configFile, path.join(dir, 'state'));
  assert.equal(statSync(configFile).mode & 0o777, 0o600);
  assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
  assert.deepEqual(config.ldapUrls, answers.ldapUrls);
  assert.equal(config.bindDn, answers.bindDn);
  assert.equal(config.bindPassword, answers.bindPassword);
  assert.deepEqual(config.syncIncludeOus, answers.includeOus);
  assert.equal(config.ldapCaFile, answers.caFile);
  assert.equal(config.passwordWriteback, true);
  assert.equal(config.accountUnlock, false);
  assert.equal(config.syncCriticalObjects, false);
  assert.equal(config.stateDir, path.join(dir, 'state'));
  const text = readFileSync(configFile, 'utf8');
  assert.equal(text.includes(answers.bindPassword), false, 'the password stays out of the config');
  assert.equal(text.includes(answers.token), false, 'the token is never written');
});
