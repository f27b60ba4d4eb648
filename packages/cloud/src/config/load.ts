import {
  ConfigError,
  loadConfig as loadLayered,
  redactConfig as redact,
  type Env,
} from '@ferry/config';
import { readTlsFiles } from '../http/tls.js';
import { isLoopbackHost } from './loopback.js';
import { configSchema, type Config } from './schema.js';

export { ConfigError };

/** Defaults, then the file named by FERRY_CONFIG (JSON or YAML), then FERRY_* variables. */
export function loadConfig(env: Env = process.env): Config {
  const config = loadLayered(configSchema, { env, fileVariable: 'FERRY_CONFIG' });
  // A hop count believes whoever connects first; that is the proxy only when nobody else can
  // reach the listener (Fastify itself refuses hop counts for this reason).
  if (typeof config.trustProxy === 'number' && !isLoopbackHost(config.host))
    throw new ConfigError(
      `trustProxy (FERRY_TRUST_PROXY): a hop count is only safe when the cloud listens on ` +
        `loopback behind a local proxy; host ${config.host} lets clients connect directly and ` +
        `forge X-Forwarded-For, so give the proxies' addresses or CIDR ranges instead`,
    );
  checkTls(config);
  return config;
}

function checkTls(config: Config): void {
  if (!config.tlsCertFile !== !config.tlsKeyFile)
    throw new ConfigError(
      'tlsCertFile (FERRY_TLS_CERT_FILE) and tlsKeyFile (FERRY_TLS_KEY_FILE) go together',
    );
  try {
    readTlsFiles(config);
  } catch (error) {
    throw new ConfigError(
      `tlsCertFile/tlsKeyFile: cannot use ${config.tlsCertFile} and ${config.tlsKeyFile}: ` +
        `${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** The config with secret keys masked, for logging the effective settings. */
export function redactConfig(config: Config): Record<string, unknown> {
  return redact(configSchema, config);
}
