import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A real Ferry process started the way users start it, with its output kept for checks. */
export interface RunningProcess {
  readonly child: ChildProcess;
  readonly output: string[];
  /** Resolves with the first output line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  freeze(): void;
  thaw(): void;
}

/**
 * How a Ferry process runs: `tsx` from the TypeScript sources (`npm start`), `compiled` from
 * what `npm run build` emits, with plain node as the packages run it, or `{ bin }`: the
 * `ferry` and `ferry-agent` commands of an installed package or tarball (its bin/ folder).
 */
export type Runtime = 'tsx' | 'compiled' | { readonly bin: string };

/** The installed command (and its first arguments) that runs a package entry point. */
const installedCommands: Record<string, [string, ...string[]]> = {
  'packages/cloud/src/main.ts': ['ferry', 'serve'],
  'packages/cloud/src/cli.ts': ['ferry'],
  'packages/agent/src/cli/main.ts': ['ferry-agent'],
};

/** The node arguments that start `packages/X/src/FILE.ts` in the tsx or compiled runtime. */
export function nodeArguments(script: string, runtime: 'tsx' | 'compiled'): string[] {
  if (runtime === 'tsx') return ['--conditions=ferry-source', '--import', 'tsx', script];
  const compiled = script.replace(/^packages\/([^/]+)\/src\/(.*)\.ts$/, 'packages/$1/dist/$2.js');
  if (compiled === script) throw new Error(`${script} is not a package source file`);
  return [compiled];
}

/** Program, arguments, cwd and environment changes that start `script` in `runtime`. */
function commandLine(script: string, runtime: Runtime) {
  if (typeof runtime === 'string') {
    return {
      file: process.execPath,
      args: nodeArguments(script, runtime),
      cwd: repoRoot,
      path: '',
    };
  }
  const installed = installedCommands[script];
  if (!installed) throw new Error(`${script} has no installed command`);
  const [command, ...args] = installed;
  // Outside the repository, so nothing resolves from its node_modules; `node` is this one.
  const path_ = `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`;
  return {
    file: path.join(runtime.bin, command),
    args,
    cwd: path.dirname(runtime.bin),
    path: path_,
  };
}

export function startProcess(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  runtime: Runtime = 'tsx',
): RunningProcess {
  const childEnv = { ...process.env, ...env };
  const command = commandLine(script, runtime);
  if (runtime !== 'tsx') delete childEnv['NODE_OPTIONS'];
  if (command.path) childEnv['PATH'] = command.path;
  const child = spawn(command.file, [...command.args, ...args], {
    cwd: command.cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const watchers = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    for (const watcher of watchers) watcher();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // A frozen process would never act on SIGTERM. SIGKILL ends it where it stands: waking
    // it first would let it act for an instant (a frozen agent could claim an operation).
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return {
    child,
    output,
    // Generous: on a loaded CI machine a cold start (TypeScript through tsx) can pass 30 s.
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          for (const line of output) {
            const match = line.match(pattern);
            if (match) {
              cleanup();
              resolve(match);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no line matching ${pattern} within ${timeoutMs} ms; output:\n${output.slice(-30).join('\n')}`,
            ),
          );
        }, timeoutMs);
        const onExit = (): void => {
          cleanup();
          reject(
            new Error(`process exited before ${pattern}; output:\n${output.slice(-30).join('\n')}`),
          );
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          watchers.delete(check);
          child.off('exit', onExit);
        };
        watchers.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    stop: () => signalAndWait('SIGTERM'),
    kill: () => signalAndWait('SIGKILL'),
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
  };
}
