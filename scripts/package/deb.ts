// Builds one Debian package with dpkg-deb from the program's install tree (no debhelper: the
// maintainer scripts are packaging/debian/*, filled in per package).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { layProgram, normalizeModes } from './layout.js';
import type { Program } from './programs.js';

const MAINTAINER = 'Ferry maintainers <ferry@packages.invalid>';
const NODE_DEPENDENCY = 'nodejs (>= 20.19)';

export interface DebInfo {
  readonly version: string;
  readonly architecture: string;
  readonly date: string;
}

function write(file: string, text: string | Buffer, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file, base) : [path.relative(base, file)];
  });
}

/** Shared-library dependencies of the native modules, as dpkg-shlibdeps computes them. */
function sharedLibraryDepends(tree: string, natives: readonly string[]): string[] {
  if (natives.length === 0) return [];
  const work = mkdtempSync(path.join(tmpdir(), 'ferry-shlibdeps-'));
  try {
    write(
      path.join(work, 'debian/control'),
      'Source: ferry\n\nPackage: ferry\nArchitecture: any\n',
    );
    const out = execFileSync(
      'dpkg-shlibdeps',
      ['-O', ...natives.map((f) => `-e${path.join(tree, f)}`)],
      {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const value = /shlibs:Depends=(.*)/.exec(out)?.[1] ?? '';
    return value
      .split(',')
      .map((dep) => dep.trim())
      .filter(Boolean);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function md5(file: string): string {
  return createHash('md5').update(readFileSync(file)).digest('hex');
}

function fill(template: string, program: Program): string {
  return template
    .replaceAll('@PACKAGE@', program.name)
    .replaceAll('@UNIT@', `${program.name}.service`)
    .replaceAll('@STATE_DIR@', program.stateDir);
}

function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 78) {
      lines.push(` ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(` ${line}`);
  return lines.join('\n');
}

/**
 * Lays out the package's files under `tree` (usr/, lib/systemd, etc/ferry, DEBIAN/) and packs
 * them with dpkg-deb into `outDir`. The tree stays for the caller (the tarball reuses usr/).
 */
export function buildDeb(
  repo: string,
  program: Program,
  info: DebInfo,
  tree: string,
  outDir: string,
): string {
  layProgram(repo, program, tree, 'usr');
  const packaging = path.join(repo, 'packaging');
  const template = (file: string): string =>
    fill(readFileSync(path.join(packaging, 'debian', file), 'utf8'), program);
  const doc = path.join(tree, 'usr/share/doc', program.name);
  write(
    path.join(tree, 'lib/systemd/system', `${program.name}.service`),
    readFileSync(path.join(packaging, 'systemd', `${program.name}.service`)),
  );
  write(path.join(tree, 'etc/ferry', program.configFile), program.config());
  write(path.join(doc, 'copyright'), template('copyright'));
  write(path.join(doc, 'README.Debian'), template(`${program.name}.README.Debian`));
  const changelog = `ferry (${info.version}) unstable; urgency=medium\n\n  * Release ${info.version}.\n\n -- ${MAINTAINER}  ${info.date}\n`;
  write(path.join(doc, 'changelog.gz'), gzipSync(changelog, { level: 9 }));
  write(
    path.join(tree, 'usr/share/lintian/overrides', program.name),
    template(`${program.name}.lintian-overrides`),
  );
  normalizeModes(tree);

  const payload = filesUnder(tree);
  const control = path.join(tree, 'DEBIAN');
  for (const script of ['postinst', 'prerm', 'postrm']) {
    write(path.join(control, script), template(script), 0o755);
  }
  write(path.join(control, 'conffiles'), `/etc/ferry/${program.configFile}\n`);
  write(
    path.join(control, 'md5sums'),
    payload.map((file) => `${md5(path.join(tree, file))}  ${file}\n`).join(''),
  );
  const installedKb = payload.reduce(
    (sum, file) => sum + Math.ceil(statSync(path.join(tree, file)).size / 1024),
    0,
  );
  // Native Node modules (better-sqlite3) make a package architecture-dependent.
  const natives = payload.filter((file) => file.endsWith('.node'));
  const arch = natives.length > 0 ? info.architecture : 'all';
  const depends = [NODE_DEPENDENCY, 'adduser', ...sharedLibraryDepends(tree, natives)];
  write(
    path.join(control, 'control'),
    [
      `Package: ${program.name}`,
      `Version: ${info.version}`,
      `Architecture: ${arch}`,
      `Maintainer: ${MAINTAINER}`,
      `Installed-Size: ${installedKb}`,
      `Depends: ${depends.join(', ')}`,
      'Section: net',
      'Priority: optional',
      `Description: ${program.summary}`,
      wrap(program.description),
      '',
    ].join('\n'),
  );
  mkdirSync(outDir, { recursive: true });
  const deb = path.join(outDir, `${program.name}_${info.version}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, deb], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return deb;
}
