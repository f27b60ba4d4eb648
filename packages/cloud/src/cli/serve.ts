import { issueBootstrapToken } from '../auth/bootstrap.js';
import { createCloud } from '../app.js';
import { SchemaNewerError } from '../store/schema-version.js';
import { exitCodes } from './exit-codes.js';
import { loadConfigOrExit } from './load-config-or-exit.js';

/**
 * Starts the cloud: validates the config before anything listens, prints exactly one stdout
 * line when ready, and drains on SIGINT/SIGTERM. The one-time bootstrap link, when the tenant
 * has no admin yet, goes to stderr for the operator (it is never logged through pino).
 */
export async function serve(): Promise<void> {
  const config = loadConfigOrExit();
  const cloud = await createCloud({ config }).catch((error: unknown) => {
    if (!(error instanceof SchemaNewerError)) throw error;
    process.stderr.write(`ferry cloud: schema_newer: ${error.message}\n`);
    process.exit(exitCodes.dataError);
  });
  const token = await issueBootstrapToken(
    cloud.services,
    cloud.services.defaultTenantId,
    config.bootstrapLinkMinutes,
  );
  const url = await cloud.listen();
  if (token) {
    const base = config.publicUrl ?? url;
    process.stderr.write(
      `ferry cloud: no admin yet. Open ${base}/setup#token=${token.reveal()} within ` +
        `${config.bootstrapLinkMinutes} minutes (works once), ` +
        `or run: ferry bootstrap-admin --email you@example.com ` +
        `(from a clone: npm run cloud -- bootstrap-admin ...)\n`,
    );
  }
  process.stdout.write(`ferry cloud listening on ${url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    cloud.server.log.info({ signal }, 'shutting down');
    cloud.close().then(
      () => process.exit(0),
      (error: unknown) => {
        cloud.server.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // After a certificate renewal: `systemctl reload ferry-cloud` (SIGHUP) swaps the TLS files
  // for new connections without dropping the ones open.
  process.on('SIGHUP', () => {
    try {
      cloud.reloadTls();
      cloud.server.log.info({ signal: 'SIGHUP' }, 'tls certificate reloaded');
    } catch (error) {
      cloud.server.log.error(
        { signal: 'SIGHUP', reason: (error as Error).message },
        'tls reload failed; the previous certificate stays in use',
      );
    }
  });
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
