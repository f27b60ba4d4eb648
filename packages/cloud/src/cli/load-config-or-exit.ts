import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { exitCodes } from './exit-codes.js';

/** Loads the config; on a bad key prints `config_invalid` with the key's name and exits. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ferry cloud: ${error.code}: ${error.message}\n`);
    process.exit(exitCodes.configInvalid);
  }
}
