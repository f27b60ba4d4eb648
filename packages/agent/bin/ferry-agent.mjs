#!/usr/bin/env node
// The `ferry-agent` executable. In a repository checkout it runs the TypeScript sources through
// tsx (so it never runs a stale build); in an installed package, where only dist/ ships, it
// runs the build.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (!existsSync(source)) {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} else {
  const child = spawn(
    process.execPath,
    [
      '--conditions=ferry-source',
      '--import',
      import.meta.resolve('tsx'),
      source,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  // A service manager signals this process only; the agent must hear it to stop cleanly.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1);
  });
}
