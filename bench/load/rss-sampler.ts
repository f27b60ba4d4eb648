import { processTreeRssMb } from '../memory/process-tree-rss.js';

/** Peak resident memory (process tree) of named processes, sampled every 250 ms until stopped. */
export class RssSampler {
  readonly peaks = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly pids: ReadonlyMap<string, number>) {
    this.#timer = setInterval(() => this.sample(), 250);
    this.sample();
  }

  sample(): void {
    for (const [name, pid] of this.pids) {
      const mb = processTreeRssMb(pid);
      if (mb > (this.peaks.get(name) ?? 0)) this.peaks.set(name, mb);
    }
  }

  stop(): Record<string, number> {
    clearInterval(this.#timer);
    this.sample();
    return Object.fromEntries(this.peaks);
  }
}
