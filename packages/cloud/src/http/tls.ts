import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { Config } from '../config/schema.js';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** The certificate chain and key named by the config, or undefined when TLS is off. */
export function readTlsFiles(
  config: Pick<Config, 'tlsCertFile' | 'tlsKeyFile'>,
): TlsFiles | undefined {
  if (!config.tlsCertFile || !config.tlsKeyFile) return undefined;
  const files = { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) };
  // Throws when the files are not PEM, or the key does not belong to the certificate.
  createSecureContext(files);
  return files;
}

/**
 * Reads the files again and puts them in place for new connections (SIGHUP after a renewal).
 * A bad pair throws and leaves the certificate in use as it was.
 */
export function reloadTls(
  server: HttpsServer,
  config: Pick<Config, 'tlsCertFile' | 'tlsKeyFile'>,
): void {
  const files = readTlsFiles(config);
  if (!files) throw new Error('TLS is not configured (tlsCertFile and tlsKeyFile)');
  server.setSecureContext(files);
}
