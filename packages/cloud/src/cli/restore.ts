import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_KEY_FILE } from '../crypto/data-key.js';
import { SQLITE_FILE } from '../store/connect.js';
import { schemaStatus } from '../store/schema-version.js';
import { checkSqliteFile, openSqliteReadOnly } from '../store/sqlite-backup.js';
import { exitCodes } from './exit-codes.js';
import { loadConfigOrExit } from './load-config-or-exit.js';

const usage =
  'usage: ferry restore DIR [--replace]   (stop the cloud first; --replace keeps the current\n' +
  '  store and key beside the restored ones as *.replaced-TIMESTAMP)';

/**
 * `ferry restore DIR`: puts a `ferry backup` folder back as the data folder's store (and key).
 * The copy is checked first (SQLite integrity, schema not newer than this node), and each file
 * lands by rename, so a failed restore leaves the data folder as it was.
 */
export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { replace: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const source = positionals[0];
  if (!source || positionals.length > 1) return fail(exitCodes.usage, usage);
  const config = loadConfigOrExit();
  if (config.databaseUrl)
    return fail(
      exitCodes.usage,
      'the store is PostgreSQL: restore with `pg_restore --clean --dbname=DATABASE ferry.dump`',
    );
  const backupStore = path.join(source, SQLITE_FILE);
  if (!existsSync(backupStore))
    return fail(exitCodes.cannotCreate, `no ${SQLITE_FILE} in ${source}`);
  const check = checkSqliteFile(backupStore);
  if (check !== 'ok') return fail(exitCodes.dataError, `the backup fails SQLite's check: ${check}`);
  const probe = openSqliteReadOnly(backupStore);
  try {
    await schemaStatus(probe);
  } finally {
    await probe.close();
  }
  const targetStore = path.join(config.dataDir, SQLITE_FILE);
  if (existsSync(targetStore) && !values.replace)
    return fail(exitCodes.cannotCreate, `${targetStore} exists; stop the cloud and add --replace`);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const files = [
    SQLITE_FILE,
    ...(existsSync(path.join(source, DATA_KEY_FILE)) ? [DATA_KEY_FILE] : []),
  ];
  for (const name of files) {
    const incoming = path.join(config.dataDir, `${name}.restoring`);
    copyFileSync(path.join(source, name), incoming);
    chmodSync(incoming, 0o600);
  }
  for (const name of files) {
    const current = path.join(config.dataDir, name);
    if (existsSync(current)) renameSync(current, `${current}.replaced-${stamp}`);
    renameSync(`${current}.restoring`, current);
  }
  // The old store's write-ahead log belongs to the replaced file, not to the restored one.
  for (const suffix of ['-wal', '-shm']) {
    const stale = `${targetStore}${suffix}`;
    if (existsSync(stale)) renameSync(stale, `${targetStore}.replaced-${stamp}${suffix}`);
  }
  rmSync(path.join(config.dataDir, `${SQLITE_FILE}.restoring`), { force: true });
  process.stdout.write(`restored ${files.join(' and ')} from ${source} into ${config.dataDir}\n`);
  return exitCodes.ok;
}

function fail(code: number, message: string): number {
  process.stderr.write(`ferry restore: ${message}\n`);
  return code;
}
