import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configKeys } from './config-key.js';

/** A configuration that failed validation; the message names the key and its source. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  override readonly name = 'ConfigError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Defaults, then the JSON or YAML file named by `fileVariable` (a secret key also as
 * `<key>File`, a path), then each key's environment variable (secret keys also from
 * `<ENV>_FILE`). The result is validated and frozen.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  options: { readonly env?: Env; readonly fileVariable: string },
): Readonly<z.output<S>> {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = {
    ...readConfigFile(env[options.fileVariable], options.fileVariable),
  };
  const sources: Record<string, string> = {};
  for (const name of Object.keys(raw)) sources[name] = `${name} (in ${options.fileVariable})`;
  const keys = configKeys(schema);
  // A secret in the file may be given as `<key>File`: the path of a file that holds it.
  for (const info of keys.filter((entry) => entry.secret)) {
    const fileKey = `${info.key}File`;
    const secretFile = raw[fileKey];
    if (secretFile === undefined) continue;
    delete raw[fileKey];
    if (typeof secretFile !== 'string' || secretFile === '')
      throw new ConfigError(`${fileKey} (in ${options.fileVariable}): must be a file path`);
    raw[info.key] = readSecretFile(secretFile, fileKey);
    sources[info.key] = `${info.key} (${fileKey} in ${options.fileVariable})`;
  }
  for (const info of keys) {
    const fromFile = info.secret ? env[`${info.env}_FILE`] : undefined;
    const value =
      fromFile !== undefined ? readSecretFile(fromFile, `${info.env}_FILE`) : env[info.env];
    if (value === undefined || value === '') continue;
    raw[info.key] = coerce(value, info.type, info.separator);
    sources[info.key] = `${info.key} (${fromFile !== undefined ? `${info.env}_FILE` : info.env})`;
  }
  const result = schema.safeParse(raw);
  if (result.success) return Object.freeze(result.data) as Readonly<z.output<S>>;
  const problems = result.error.issues.map((issue) => {
    const head = String(issue.path[0] ?? '');
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
    const name = head ? (sources[head] ?? head) : unknownKeys || '(root)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

function readConfigFile(file: string | undefined, variable: string): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${variable}: cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `${variable}: ${file} is not valid JSON/YAML: ${(error as Error).message}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${variable}: ${file} must hold an object of settings`);
  }
  return parsed as Record<string, unknown>;
}

function readSecretFile(file: string, source: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`${source}: cannot read ${file}: ${(error as Error).message}`);
  }
}

// Env values are strings; numbers, booleans and lists are converted only when they look
// right, so a bad value still reaches the schema and fails with the key's name.
function coerce(value: string, type: string, separator: string | undefined): unknown {
  if (type === 'integer' || type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  if (type === 'boolean') {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
  }
  if (separator !== undefined) {
    return value
      .split(separator)
      .map((item) => item.trim())
      .filter(Boolean);
  }
  return value;
}

/** The config with secret keys masked, for logging the effective settings. */
export function redactConfig<S extends z.ZodObject>(
  schema: S,
  config: z.output<S>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const info of configKeys(schema)) {
    if (info.secret && out[info.key] !== undefined) out[info.key] = '[secret]';
  }
  return out;
}
