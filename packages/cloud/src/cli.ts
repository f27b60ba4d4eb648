#!/usr/bin/env node
// `ferry <command>` (installed) or `npm run cloud -- <command>` (from a clone).
// Each command imports only its own modules: `version` or `backup` need not load the server.
import { exitCodes } from './cli/exit-codes.js';
import { SchemaNewerError } from './store/schema-version.js';

const usage = `usage: ferry <command> [options]
  serve              run the cloud (the default; settings: FERRY_* variables, see docs/config.md)
  bootstrap-admin --email EMAIL [--name NAME]
                     create the first global admin (password from FERRY_BOOTSTRAP_PASSWORD_FILE or stdin)
  migrate [--status] bring the store to this release's schema (serve does it too), or show it
  backup DIR         consistent copy of the SQLite store and its data key, taken while running
  restore DIR [--replace]
                     put a backup back (stop the cloud first)
  version            release, schema and Node version`;

async function run(command: string, args: string[]): Promise<number> {
  switch (command) {
    case 'serve':
      await (await import('./cli/serve.js')).serve();
      return exitCodes.ok;
    case 'bootstrap-admin':
      return (await import('./cli/bootstrap-admin.js')).bootstrapAdmin(args);
    case 'migrate':
      return (await import('./cli/migrate.js')).migrateCommand(args);
    case 'backup':
      return (await import('./cli/backup.js')).backupCommand(args);
    case 'restore':
      return (await import('./cli/restore.js')).restoreCommand(args);
    case 'version':
    case '--version':
      return (await import('./cli/version.js')).versionCommand();
    case 'help':
    case '--help':
      process.stdout.write(`${usage}\n`);
      return exitCodes.ok;
    default:
      process.stderr.write(`ferry: unknown command "${command}"\n${usage}\n`);
      return exitCodes.usage;
  }
}

const [command = 'serve', ...args] = process.argv.slice(2);
try {
  process.exitCode = await run(command, args);
} catch (error) {
  if (error instanceof SchemaNewerError) {
    process.stderr.write(`ferry: schema_newer: ${error.message}\n`);
    process.exit(exitCodes.dataError);
  }
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`ferry: ${error.message}\n${usage}\n`);
    process.exit(exitCodes.usage);
  }
  throw error;
}
