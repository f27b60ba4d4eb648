import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadAgentConfig, type AgentConfig } from '../config/agent-config.js';
import type { SetupAnswers } from './setup-flags.js';

/** A YAML scalar or flow list: JSON strings are valid YAML double-quoted scalars. */
function yamlValue(value: string | boolean | readonly string[]): string {
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The config file's text: only the settings the wizard chose, each with its schema key. */
export function renderAgentConfig(
  answers: SetupAnswers,
  stateDir: string,
  passwordFile: string,
): string {
  const settings: Array<[string, string | boolean | readonly string[] | undefined]> = [
    ['stateDir', stateDir],
    ['directory', answers.dialect],
    ['ldapUrls', answers.ldapUrls],
    ['ldapCaFile', answers.caFile],
    ['bindDn', answers.bindDn],
    ['bindPasswordFile', passwordFile],
    ['baseDn', answers.baseDn],
    ['syncIncludeOus', answers.includeOus.length > 0 ? answers.includeOus : undefined],
    ['syncExcludeOus', answers.excludeOus.length > 0 ? answers.excludeOus : undefined],
    ['syncCriticalObjects', answers.syncCriticalObjects || undefined],
    ['passwordWriteback', answers.passwordWriteback],
    ['accountUnlock', answers.accountUnlock],
    ['sync', answers.sync],
  ];
  return [
    '# Written by `ferry-agent setup`; every setting: docs/agent-config.md',
    ...settings
      .filter(
        (entry): entry is [string, string | boolean | readonly string[]] => entry[1] !== undefined,
      )
      .map(([key, value]) => `${key}: ${yamlValue(value)}`),
    '',
  ].join('\n');
}

/**
 * Writes the config file (mode 0600) and the service account's password in a file of its own
 * beside it (mode 0600), then loads the file back through the schema, as `run` will.
 */
export function writeAgentConfig(
  answers: SetupAnswers,
  configFile: string,
  stateDir: string,
): { config: AgentConfig; passwordFile: string } {
  const dir = path.dirname(path.resolve(configFile));
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const passwordFile = path.join(dir, 'bind-password');
  writeFileSync(passwordFile, `${answers.bindPassword}\n`, { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  const text = renderAgentConfig(answers, path.resolve(stateDir), passwordFile);
  writeFileSync(configFile, text, { mode: 0o600 });
  chmodSync(configFile, 0o600);
  return { config: loadAgentConfig({ FERRY_AGENT_CONFIG: configFile }), passwordFile };
}
