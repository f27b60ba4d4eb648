// `npm run package`: the Debian packages ferry-cloud and ferry-agent (dpkg-deb) and a tarball
// with bin/, from what `npm run build` emitted. Writes them to dist/packages/ (or --out DIR).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildDeb, type DebInfo } from './deb.js';
import { programs } from './programs.js';
import { buildTarball } from './tarball.js';

export interface BuiltPackages {
  readonly debs: Record<string, string>;
  readonly tarball: string;
}

function releaseInfo(repo: string): DebInfo {
  const { version } = JSON.parse(
    readFileSync(path.join(repo, 'packages/cloud/package.json'), 'utf8'),
  ) as { version: string };
  const architecture = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  // The changelog's date is the commit's, so two builds of one commit are the same.
  const date = execFileSync('git', ['log', '-1', '--format=%cD'], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
  return { version, architecture, date };
}

export function buildPackages(repo: string, outDir: string): BuiltPackages {
  const info = releaseInfo(repo);
  const work = mkdtempSync(path.join(tmpdir(), 'ferry-package-'));
  try {
    const trees = programs.map((program) => ({ program, tree: path.join(work, program.name) }));
    const debs: Record<string, string> = {};
    for (const { program, tree } of trees) {
      debs[program.name] = buildDeb(repo, program, info, tree, outDir);
    }
    const name = `ferry-${info.version}-linux-${process.arch}`;
    return { debs, tarball: buildTarball(repo, trees, name, outDir) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const repo = path.resolve(import.meta.dirname, '../..');
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const built = buildPackages(repo, path.resolve(values.out ?? path.join(repo, 'dist/packages')));
  for (const file of [...Object.values(built.debs), built.tarball]) console.log(file);
}
