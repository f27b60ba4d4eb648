import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export interface Run {
  readonly status: number;
  readonly output: string;
}

/**
 * A throwaway copy of this machine in which `dpkg` may install, upgrade, remove and purge
 * packages for real, maintainer scripts included, without changing the machine: each command
 * runs in a private mount namespace (`unshare --mount`) where an overlayfs puts `upper/` (in
 * `dir`) over a read-only view of `/`, then `chroot`s into it. Every change lands in `upper/`,
 * kept between commands and deleted with `dir`; the host's own files and dpkg database are
 * never written. Needs root (mounting), like `npm test` on a CI machine.
 */
export class DpkgRoot {
  private readonly merged: string;
  private readonly mount: string;

  constructor(dir: string) {
    const upper = path.join(dir, 'upper');
    const work = path.join(dir, 'work');
    this.merged = path.join(dir, 'merged');
    for (const folder of [upper, work, this.merged]) mkdirSync(folder, { recursive: true });
    // /proc and /dev are the host's (dpkg's scripts write to /dev/null; systemctl and
    // deb-systemd-invoke look at /proc/1/root to see that they run in a chroot).
    this.mount = [
      `mount -t overlay overlay -o lowerdir=/,upperdir=${upper},workdir=${work} ${this.merged}`,
      `mount -t proc proc ${this.merged}/proc`,
      `mount --rbind /dev ${this.merged}/dev`,
    ].join(' && ');
  }

  /** Why this machine cannot host one, or undefined when it can. */
  static unavailable(): string | undefined {
    if (process.getuid?.() !== 0) return 'the dpkg tests mount an overlay: run them as root';
    const probe = spawnSync('unshare', ['--mount', 'true'], { encoding: 'utf8' });
    if (probe.status !== 0) return `unshare --mount failed: ${probe.stderr}`;
    return undefined;
  }

  /** Runs `script` (sh) as root inside the copy; its output is stdout and stderr together. */
  run(script: string): Run {
    const result = spawnSync(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        `${this.mount} && exec chroot ${this.merged} sh -c "$1" 2>&1`,
        'sh',
        script,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      },
    );
    return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
  }

  /** Runs `script` and returns its output, throwing with the output when it fails. */
  must(script: string): string {
    const run = this.run(script);
    if (run.status !== 0)
      throw new Error(`in the dpkg root, \`${script}\` exited ${run.status}:\n${run.output}`);
    return run.output;
  }
}

/** A copy of `deb` that only differs by its version (an upgrade to install over it). */
export function withVersion(deb: string, version: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const tree = path.join(outDir, `${path.basename(deb, '.deb')}-tree`);
  execFileSync('dpkg-deb', ['--raw-extract', deb, tree]);
  const control = path.join(tree, 'DEBIAN/control');
  execFileSync('sed', ['-i', `s/^Version: .*/Version: ${version}/`, control]);
  const out = path.join(outDir, path.basename(deb).replace(/_[^_]+_/, `_${version}_`));
  execFileSync('dpkg-deb', ['--root-owner-group', '-Znone', '--build', tree, out], {
    stdio: 'ignore',
  });
  execFileSync('rm', ['-rf', tree]);
  return out;
}
