import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PasswordEvaluation, PasswordEvaluationInput } from '@ferry/policy';
import type { Logger } from 'pino';
import type { CheckReply, CheckRequest } from './check-messages.js';

interface Pending {
  resolve(evaluation: PasswordEvaluation): void;
  reject(error: Error): void;
}

interface CheckThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * Password evaluation on worker threads. Scoring a password costs 1–5 ms of CPU (most of it
 * the strength estimator): on the event loop that would delay every request and agent
 * message behind it, and a writeback's own check could not run alongside its dispatch.
 * A thread that dies fails its checks and is replaced.
 */
export class PasswordChecks {
  readonly #threads: CheckThread[] = [];
  readonly #log: Logger;
  #nextId = 1;
  #closed = false;

  // Each thread holds its own word lists (tens of MB): two are plenty for keystroke checks.
  constructor(log: Logger, threads = Math.max(1, Math.min(2, availableParallelism() - 1))) {
    this.#log = log;
    for (let index = 0; index < threads; index += 1) this.#threads.push(this.#start());
  }

  /** Resolves once every thread has built its word lists (start-up, not a user's wait). */
  async ready(): Promise<void> {
    await Promise.all(
      this.#threads.map(
        ({ worker }) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (message: unknown): void => {
              if ((message as { ready?: boolean }).ready) {
                worker.off('error', reject);
                worker.off('message', onMessage);
                resolve();
              }
            };
            worker.on('message', onMessage);
            worker.once('error', reject);
          }),
      ),
    );
  }

  evaluate(input: PasswordEvaluationInput): Promise<PasswordEvaluation> {
    if (this.#closed) return Promise.reject(new Error('password checks are closed'));
    // The least busy thread, the first on a tie: a check never queues behind another while a
    // thread is free, and one-at-a-time checks keep to one thread, whose caches are warm.
    const thread = this.#threads.reduce((best, candidate) =>
      candidate.pending.size < best.pending.size ? candidate : best,
    );
    const id = this.#nextId++;
    const { password, ...rest } = input;
    const request: CheckRequest = { id, password: password.reveal(), input: rest };
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map(({ worker }) => worker.terminate()));
  }

  #start(): CheckThread {
    const pending = new Map<number, Pending>();
    const worker = startWorker();
    // The cloud's own work keeps the process alive; an idle checker does not.
    worker.unref();
    worker.on('message', (reply: CheckReply | { ready: true }) => {
      if (!('id' in reply)) return;
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(`password check failed: ${reply.error}`));
      else waiting?.resolve(reply.evaluation);
    });
    worker.on('error', (error) => {
      this.#log.error({ err: error }, 'password checks: a worker thread failed');
    });
    worker.on('exit', () => {
      for (const waiting of pending.values())
        waiting.reject(new Error('password check thread stopped'));
      pending.clear();
      if (this.#closed) return;
      const index = this.#threads.findIndex((thread) => thread.worker === worker);
      if (index >= 0) this.#threads[index] = this.#start();
    });
    return { worker, pending };
  }
}

/**
 * The worker's module sits next to this one. When the cloud runs from its TypeScript
 * sources (through tsx), a worker thread does not inherit tsx's loader: it registers it
 * before loading the module.
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const module = new URL(`./password-check-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);
  const load = `import(${JSON.stringify(module.href)})`;
  const code = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
      `.then(({ register }) => { register(); return ${load}; })`
    : load;
  return new Worker(code, { eval: true });
}
