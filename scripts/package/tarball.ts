// The tarball for other distributions: both programs under one folder with bin/, lib/ and
// share/ferry/ (the config files with their defaults, the systemd units to adapt). It is made
// from the Debian packages' trees: the same files, with usr/ renamed to the release folder.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Program } from './programs.js';

export function buildTarball(
  repo: string,
  trees: ReadonlyArray<{ program: Program; tree: string }>,
  name: string,
  outDir: string,
): string {
  const extra = mkdtempSync(path.join(tmpdir(), 'ferry-tarball-'));
  try {
    const share = path.join(extra, 'usr/share/ferry');
    mkdirSync(share, { recursive: true });
    for (const { program } of trees) {
      writeFileSync(path.join(share, program.configFile), program.config(), { mode: 0o644 });
      copyFileSync(
        path.join(repo, 'packaging/systemd', `${program.name}.service`),
        path.join(share, `${program.name}.service`),
      );
    }
    mkdirSync(outDir, { recursive: true });
    const tarball = path.join(outDir, `${name}.tar.gz`);
    const sources = trees.flatMap(({ tree }) => ['-C', tree, 'usr/bin', 'usr/lib/ferry']);
    execFileSync(
      'tar',
      [
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--sort=name',
        `--transform=s,^usr,${name},`,
        '-czf',
        tarball,
        ...sources,
        '-C',
        extra,
        'usr/share/ferry',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return tarball;
  } finally {
    rmSync(extra, { recursive: true, force: true });
  }
}
