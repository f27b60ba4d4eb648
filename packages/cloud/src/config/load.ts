import {
  ConfigError,
  loadConfig as loadLayered,
  redactConfig as redact,
  type Env,
} from '@ferry/config';
import { configSchema, type Config } from './schema.js';

export { ConfigError };

/** Defaults, then the file named by FERRY_CONFIG (JSON or YAML), then FERRY_* variables. */
export function loadConfig(env: Env = process.env): Config {
  return loadLayered(configSchema, { env, fileVariable: 'FERRY_CONFIG' });
}

/** The config with secret keys masked, for logging the effective settings. */
export function redactConfig(config: Config): Record<string, unknown> {
  return redact(configSchema, config);
}
