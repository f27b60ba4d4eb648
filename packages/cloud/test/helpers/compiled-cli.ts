import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../../../..');
/** The compiled `ferry` command that `npm run build` emits (what the packages ship). */
export const ferryJs = path.join(root, 'packages/cloud/dist/cli.js');

/** The environment of a production run: no FERRY_* from the test shell, no loader in NODE_OPTIONS. */
export function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if ((key.startsWith('FERRY_') || key === 'DATABASE_URL') && !(key in extra)) delete env[key];
  }
  delete env['NODE_OPTIONS'];
  return env;
}

/** Runs `node dist/cli.js ARGS` with plain node (no tsx, no source condition). */
export function ferry(args: string[], extra: Record<string, string>, input?: string) {
  assert.ok(existsSync(ferryJs), `${ferryJs} is missing: run \`npm run build\` first`);
  return spawnSync(process.execPath, [ferryJs, ...args], {
    cwd: root,
    env: productionEnv(extra),
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
}

/** Starts the compiled `ferry serve`; resolves with its base URL once it prints its one line. */
export async function startCompiledCloud(
  extra: Record<string, string>,
): Promise<{ url: string; child: ChildProcessWithoutNullStreams; stderr: () => string }> {
  assert.ok(existsSync(ferryJs), `${ferryJs} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [ferryJs, 'serve'], {
    cwd: root,
    env: productionEnv({ FERRY_PORT: '0', FERRY_LOG_LEVEL: 'warn', ...extra }),
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /ferry cloud listening on (https?:\/\/[^\s]+)\n/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`ferry serve exited ${code}: ${stderr}`)));
  });
  return { url, child, stderr: () => stderr };
}
