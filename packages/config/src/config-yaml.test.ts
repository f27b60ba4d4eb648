import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { key } from './config-key.js';
import { renderConfigYaml } from './config-yaml.js';

const schema = z
  .object({
    stateDir: key(z.string().default('./state'), 'Folder of the state.', { env: 'X_STATE_DIR' }),
    urls: key(z.array(z.string()).default(['ldaps://a', 'ldaps://b']), 'Servers.', {
      env: 'X_URLS',
    }),
    bindPassword: key(z.string().optional(), 'Password of the account.', {
      env: 'X_BIND_PASSWORD',
      secret: true,
    }),
    baseDn: key(z.string().optional(), 'Base DN.', { env: 'X_BASE_DN' }),
  })
  .strict();

test('the rendered file sets only the active keys; every other key is there, commented', () => {
  const text = renderConfigYaml(schema, ['Header line'], { stateDir: '/var/lib/x' });
  assert.deepEqual(parse(text), { stateDir: '/var/lib/x' });
  assert.match(text, /^# Header line$/m);
  assert.match(text, /^#urls: \[ ldaps:\/\/a, ldaps:\/\/b \]$/m);
  assert.match(text, /^#bindPasswordFile: \/etc\/ferry\/bind-password$/m);
  assert.match(text, /^#baseDn:$/m);
  assert.match(text, /^# Folder of the state\. \(string; env X_STATE_DIR\)$/m);
});

test('uncommenting a default line gives the default value, as the schema parses it', () => {
  const text = renderConfigYaml(schema, []);
  const uncommented = text.replace(/^#(stateDir|urls): /gm, '$1: ');
  assert.deepEqual(parse(uncommented), { stateDir: './state', urls: ['ldaps://a', 'ldaps://b'] });
});

test('an active key the schema does not know is refused', () => {
  assert.throws(() => renderConfigYaml(schema, [], { stateDir: 'x', nope: 1 }), /nope/);
});
