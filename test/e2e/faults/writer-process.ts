import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { labPaths } from '@ferry/lab';
import { repoRoot } from '../../../scripts/support/processes.js';
import type { WriterReply, WriterRequest } from './writer-child.js';

/**
 * Bundles writer-child.ts once: started through tsx, each process would spend seconds of CPU
 * compiling before its first write; bundled, it starts in a fraction of that, which is what
 * lets the suite kill hundreds of them.
 */
export async function bundleWriter(): Promise<string> {
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'ferry-faults-')), 'writer.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'test/e2e/faults/writer-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['ferry-source'],
    outfile,
    logLevel: 'error',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** One writer process (an agent's write path) and the replies it sent. */
export class WriterProcess {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<string, (reply: WriterReply) => void>();
  #exited = false;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (reply: WriterReply) => {
      const key = reply.type === 'ready' ? 'ready' : `${reply.type}:${reply.job}`;
      this.#waiting.get(key)?.(reply);
    });
    child.on('exit', () => {
      this.#exited = true;
      for (const resolve of this.#waiting.values())
        resolve({ type: 'outcome', job: '', code: 'exited' });
    });
  }

  static async start(bundle: string): Promise<WriterProcess> {
    const child = fork(bundle, [], {
      cwd: repoRoot,
      // Bundled, the lab package cannot find the repository from its own path.
      env: { ...process.env, FERRY_LAB_DIR: labPaths().root },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const writer = new WriterProcess(child);
    await writer.#next('ready');
    return writer;
  }

  get exited(): boolean {
    return this.#exited;
  }

  async look(job: string, sAMAccountName: string): Promise<void> {
    const answer = this.#next(`looked:${job}`);
    this.#send({ type: 'look', job, sAMAccountName });
    const reply = await answer;
    if (reply.type !== 'looked' || !reply.ok)
      throw new Error(`lookup failed: ${JSON.stringify(reply)}`);
  }

  /** Starts a write; `sending` resolves when the process is about to send it. */
  write(request: Omit<Extract<WriterRequest, { type: 'write' }>, 'type'>): {
    sending: Promise<unknown>;
    outcome: Promise<string>;
  } {
    const sending = this.#next(`sending:${request.job}`);
    const outcome = this.#next(`outcome:${request.job}`).then((reply) =>
      reply.type === 'outcome' ? reply.code : 'none',
    );
    this.#send({ type: 'write', ...request });
    return { sending, outcome };
  }

  /** kill -9; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.disconnect();
    await gone;
  }

  #send(request: WriterRequest): void {
    this.#child.send(request);
  }

  #next(key: string): Promise<WriterReply> {
    return new Promise((resolve) => {
      if (this.#exited) {
        resolve({ type: 'outcome', job: '', code: 'exited' });
        return;
      }
      this.#waiting.set(key, (reply) => {
        this.#waiting.delete(key);
        resolve(reply);
      });
    });
  }
}
