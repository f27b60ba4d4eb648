// The files of one program in an install tree, shared by the Debian package (prefix usr/) and
// the tarball (prefix .): the command in bin/, the runtime in lib/ferry/<program>/.
import {
  chmodSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import type { Program } from './programs.js';
import { stageProgram } from './stage.js';

export function layProgram(repo: string, program: Program, tree: string, prefix: string): void {
  const lib = path.join(tree, prefix, 'lib/ferry', program.libFolder);
  stageProgram(repo, program.workspace, lib, program.extraFolders);
  const bin = path.join(tree, prefix, 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(path.join(repo, 'packaging/bin', program.command), path.join(bin, program.command));
}

/** Whether a file starts with `#!` (a script, executable as Debian wants). */
function isScript(file: string): boolean {
  const head = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, head, 0, 2, 0) === 2 && head.toString() === '#!';
  } finally {
    closeSync(fd);
  }
}

/**
 * Modes as Debian wants them whatever the checkout's umask or npm's tarballs said: folders
 * 0755, scripts (`#!`) 0755, other files 0644.
 */
export function normalizeModes(dir: string): void {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) {
      chmodSync(file, 0o755);
      normalizeModes(file);
    } else {
      chmodSync(file, isScript(file) ? 0o755 : 0o644);
    }
  }
}
