// Lays out one program's compiled runtime: its workspace packages (package.json and dist/ only)
// and the npm packages of its production closure, as Node resolves them from the copy.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { productionClosure } from './closure.js';

/** Build output that is not needed at run time: tests, type declarations, source maps. */
function runtimeFile(file: string): boolean {
  return !/\.(test\.js|d\.ts|d\.ts\.map|js\.map|tsbuildinfo)$/.test(file);
}

/**
 * What of an npm package is not needed to run it and only makes the package bigger (and
 * lintian slower or unhappy: VCS and linter files, docs pages that load scripts from CDNs,
 * TypeScript sources and declarations, which plain node never loads).
 */
const JUNK_NAMES = new Set([
  '.github',
  '.husky',
  '.vscode',
  '.idea',
  'test',
  'tests',
  '__tests__',
  'example',
  'examples',
  'benchmark',
  'benchmarks',
  'bench',
  'docs',
  '.gitattributes',
  '.gitignore',
  '.npmignore',
  '.editorconfig',
  '.travis.yml',
  '.taprc',
  '.nycrc',
  'tsconfig.json',
  'CHANGELOG.md',
]);
const JUNK_PATTERN = /^\.(eslintrc|prettierrc|jshintrc)|\.(md|markdown|sh|ts|mts|cts|map)$/;

/**
 * better-sqlite3 ships its C sources and build tree; only the compiled module and lib/ run.
 * Anything else is the package as npm installed it, without junk, nested node_modules (those
 * are closure entries of their own) and .bin links.
 */
function moduleFilter(source: string): (file: string) => boolean {
  const isSqlite = source.endsWith('node_modules/better-sqlite3');
  return (file) => {
    const rel = path.relative(source, file);
    if (rel === '') return true;
    if (rel === 'node_modules' || rel.startsWith(`node_modules${path.sep}`)) return false;
    const name = path.basename(rel);
    if (JUNK_NAMES.has(name) || JUNK_PATTERN.test(name)) return false;
    // A top-level HTML page of a package is its docs site (pino's loads scripts from CDNs).
    if (!rel.includes(path.sep) && name.endsWith('.html')) return false;
    if (!isSqlite) return true;
    return (
      ['lib', 'package.json', 'LICENSE', 'build', 'build/Release'].includes(rel) ||
      rel.startsWith('lib/') ||
      rel === 'build/Release/better_sqlite3.node'
    );
  };
}

/** The folders copied into `dest` (e.g. /usr/lib/ferry/cloud) for one workspace package. */
export function stageProgram(
  root: string,
  workspace: string,
  dest: string,
  extraFolders: readonly string[] = [],
): { modules: number } {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const closure = productionClosure(root, workspace);
  for (const key of closure.modules) {
    const source = path.join(root, key);
    cpSync(source, path.join(dest, key), { recursive: true, filter: moduleFilter(source) });
  }
  // Native modules ship stripped (Debian's rule; their debug symbols are of no use here).
  for (const key of closure.modules) {
    for (const file of readdirSync(path.join(dest, key), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.node')) {
        execFileSync('strip', ['--strip-unneeded', path.join(dest, key, file)]);
      }
    }
  }
  for (const folder of closure.workspaces) {
    const manifest = path.join(root, folder, 'package.json');
    const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
    // The program sits at its repository path; the packages it imports, in node_modules.
    const target = path.join(dest, folder === workspace ? folder : `node_modules/${name}`);
    mkdirSync(target, { recursive: true });
    cpSync(manifest, path.join(target, 'package.json'));
    cpSync(path.join(root, folder, 'dist'), path.join(target, 'dist'), {
      recursive: true,
      filter: runtimeFile,
    });
  }
  for (const folder of extraFolders) {
    cpSync(path.join(root, folder), path.join(dest, folder), { recursive: true });
  }
  // Marks the root of the tree (Node stops at no package.json, but this names what it is).
  writeFileSync(
    path.join(dest, 'package.json'),
    `${JSON.stringify({ name: `ferry-${path.basename(workspace)}-runtime`, private: true, type: 'module' }, null, 2)}\n`,
  );
  return { modules: closure.modules.length };
}
