import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const adminUrl =
  process.env['FERRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Restarts the PostgreSQL server the tests use as a crash would: `pg_ctl restart -m immediate`
 * (no shutdown checkpoint, crash recovery on start) on its own data directory, with the
 * options it was started with (postmaster.opts), and waits until it accepts connections.
 */
export async function restartPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let dataDir: string;
  let binDir: string;
  try {
    dataDir = (await client.query('SHOW data_directory')).rows[0].data_directory;
    binDir = (await client.query("SELECT setting FROM pg_config WHERE name = 'BINDIR'")).rows[0]
      .setting;
  } finally {
    await client.end();
  }
  // The server's own output goes to a log file: it outlives pg_ctl and must hold no pipe of ours.
  const log = path.join(tmpdir(), 'ferry-fault-postgres.log');
  const pgCtl = [path.join(binDir, 'pg_ctl'), '-D', dataDir, '-l', log, '-m', 'immediate'];
  // The server refuses to run as root: the test (root in CI) runs pg_ctl as its owner.
  const command = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...pgCtl] : pgCtl;
  const child = spawn(command[0]!, [...command.slice(1), '-w', 'restart'], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`pg_ctl restart exited with ${code} (server log: ${log})`);
  // pg_ctl may return while crash recovery still refuses connections.
  for (let attempt = 0; ; attempt += 1) {
    const probe = new pg.Client({ connectionString: adminUrl });
    try {
      await probe.connect();
      await probe.query('SELECT 1');
      return;
    } catch (error) {
      if (attempt >= 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
}
