import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_KEY_FILE } from '../crypto/data-key.js';
import { SQLITE_FILE } from '../store/connect.js';
import { checkSqliteFile, copySqliteOnline } from '../store/sqlite-backup.js';
import { exitCodes } from './exit-codes.js';
import { loadConfigOrExit } from './load-config-or-exit.js';
import { ferryVersion } from './version.js';

export const BACKUP_MANIFEST = 'ferry-backup.json';
const usage = 'usage: ferry backup DIR   (DIR must not exist or be empty; it is made 0700)';

/**
 * `ferry backup DIR`: a consistent copy of the embedded SQLite store, taken while the cloud
 * runs, with the data key file beside it (without the key the secrets in the copy are
 * unreadable). PostgreSQL deployments back up with PostgreSQL's tools; the command says so.
 */
export function backupCommand(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const target = positionals[0];
  if (!target || positionals.length > 1) return fail(exitCodes.usage, usage);
  const config = loadConfigOrExit();
  if (config.databaseUrl)
    return fail(
      exitCodes.usage,
      'the store is PostgreSQL (DATABASE_URL): back it up with ' +
        '`pg_dump --format=custom --file=ferry.dump DATABASE` and keep the data key ' +
        `(FERRY_DATA_KEY, or ${DATA_KEY_FILE} in the data folder) with it`,
    );
  const source = path.join(config.dataDir, SQLITE_FILE);
  if (!existsSync(source)) return fail(exitCodes.cannotCreate, `no store at ${source}`);
  if (existsSync(target) && readdirSync(target).length > 0)
    return fail(exitCodes.cannotCreate, `${target} is not empty; give a new folder`);
  mkdirSync(target, { recursive: true, mode: 0o700 });
  chmodSync(target, 0o700);
  const copy = path.join(target, SQLITE_FILE);
  copySqliteOnline(source, copy);
  chmodSync(copy, 0o600);
  const check = checkSqliteFile(copy);
  if (check !== 'ok') return fail(exitCodes.dataError, `the copy fails SQLite's check: ${check}`);
  const keyFile = path.join(config.dataDir, DATA_KEY_FILE);
  const keyCopied = !config.dataKey && existsSync(keyFile);
  if (keyCopied) {
    copyFileSync(keyFile, path.join(target, DATA_KEY_FILE));
    chmodSync(path.join(target, DATA_KEY_FILE), 0o600);
  }
  const manifest = { ferry: ferryVersion(), takenAt: new Date().toISOString(), dataKey: keyCopied };
  writeFileSync(path.join(target, BACKUP_MANIFEST), JSON.stringify(manifest, null, 2) + '\n', {
    mode: 0o600,
  });
  process.stdout.write(
    `backup written to ${target}` +
      (keyCopied
        ? ' (store and data key: keep it as secret as the data folder)\n'
        : '; the data key comes from FERRY_DATA_KEY and is NOT in it: keep that key with it\n'),
  );
  return exitCodes.ok;
}

function fail(code: number, message: string): number {
  process.stderr.write(`ferry backup: ${message}\n`);
  return code;
}
