/**
 * A latch the watch loop sleeps on: a notification that arrives while a delta is running is
 * remembered, so the loop reads again at once instead of losing it.
 */
export class Wakeup {
  #pending = false;
  #wake: (() => void) | undefined;

  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Resolves 'notified', or 'timeout' after `ms`, or 'aborted' when the signal fires. */
  wait(ms: number, signal: AbortSignal): Promise<'notified' | 'timeout' | 'aborted'> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const done = (why: 'notified' | 'timeout' | 'aborted'): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#wake = undefined;
        if (why === 'notified') this.#pending = false;
        resolve(why);
      };
      const onAbort = (): void => done('aborted');
      const timer = setTimeout(() => done('timeout'), ms);
      this.#wake = () => done('notified');
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
