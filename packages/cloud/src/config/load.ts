import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { configKeys } from './keys.js';

/** A configuration that failed validation; the message names the key and its source. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Defaults, then the file named by FERRY_CONFIG (JSON or YAML), then FERRY_* variables. */
export function loadConfig(env: Env = process.env): Config {
  const raw: Record<string, unknown> = { ...readConfigFile(env['FERRY_CONFIG']) };
  const sources: Record<string, string> = {};
  for (const key of Object.keys(raw)) sources[key] = `${key} (in FERRY_CONFIG)`;
  for (const info of configKeys()) {
    const fromFile = info.secret ? env[`${info.env}_FILE`] : undefined;
    const value = fromFile !== undefined ? readSecretFile(fromFile, info.env) : env[info.env];
    if (value === undefined || value === '') continue;
    raw[info.key] = coerce(value, info.type);
    sources[info.key] = `${info.key} (${fromFile !== undefined ? `${info.env}_FILE` : info.env})`;
  }
  const result = configSchema.safeParse(raw);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => {
    const head = String(issue.path[0] ?? '');
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const name = head ? (sources[head] ?? head) : unknownKeys || '(root)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

function readConfigFile(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`FERRY_CONFIG: cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`FERRY_CONFIG: ${file} must hold an object of settings`);
  }
  return parsed as Record<string, unknown>;
}

function readSecretFile(file: string, env: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`${env}_FILE: cannot read ${file}: ${(error as Error).message}`);
  }
}

// Env values are strings; numbers and booleans are converted only when they look right, so a
// bad value still reaches the schema and fails with the key's name.
function coerce(value: string, type: string): unknown {
  if (type === 'integer' || type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  if (type === 'boolean') {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
  }
  return value;
}

/** The config with secret keys masked, for logging the effective settings. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const info of configKeys()) {
    if (info.secret && out[info.key] !== undefined) out[info.key] = '[secret]';
  }
  return out;
}
