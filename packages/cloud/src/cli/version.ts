import { readFileSync } from 'node:fs';
import { migrations } from '../store/migrations/registry.js';

/** The release of this build, read from the package manifest beside src/ and dist/. */
export function ferryVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/** `ferry version`: release, newest schema migration this build carries, and Node. */
export function versionCommand(): number {
  const schema = Object.keys(migrations('sqlite')).sort().at(-1) ?? 'none';
  process.stdout.write(`ferry ${ferryVersion()} (schema ${schema}, node ${process.version})\n`);
  return 0;
}
