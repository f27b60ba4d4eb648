import { parseArgs } from 'node:util';
import { migrateToLatest, openStore } from '../store/connect.js';
import { schemaStatus } from '../store/schema-version.js';
import { exitCodes } from './exit-codes.js';
import { loadConfigOrExit } from './load-config-or-exit.js';

/**
 * `ferry migrate [--status]`: brings the store to this release's schema (what `serve` also does
 * at start), or with --status only says what is applied and pending. Run it once per upgrade
 * before starting the nodes; a second run applies nothing.
 */
export async function migrateCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { status: { type: 'boolean' } }, strict: true });
  const config = loadConfigOrExit();
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
  });
  try {
    if (values.status) {
      const status = await schemaStatus(store);
      process.stdout.write(
        `applied: ${status.applied.join(', ') || 'none'}\n` +
          `pending: ${status.pending.join(', ') || 'none'}\n`,
      );
      return exitCodes.ok;
    }
    const applied = await migrateToLatest(store);
    const latest = (await schemaStatus(store)).latestKnown;
    process.stdout.write(
      applied.length > 0
        ? `applied ${applied.join(', ')}; schema at ${latest}\n`
        : `schema up to date at ${latest}; nothing applied\n`,
    );
    return exitCodes.ok;
  } finally {
    await store.close();
  }
}
