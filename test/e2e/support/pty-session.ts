import { spawn, type IPty } from 'node-pty';

/**
 * A program driven through a pseudo-terminal, as a person at a terminal would: wait for a
 * prompt on the screen, type an answer. The screen is everything printed so far.
 */
export class PtySession {
  readonly #pty: IPty;
  #screen = '';
  #seen = 0;
  readonly exited: Promise<number>;

  constructor(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.#pty = spawn(command, args, {
      cols: 200,
      rows: 50,
      cwd: options.cwd,
      env: options.env as Record<string, string>,
    });
    this.#pty.onData((data) => (this.#screen += data));
    this.exited = new Promise((resolve) => this.#pty.onExit(({ exitCode }) => resolve(exitCode)));
  }

  /** Everything printed, without terminal escapes. */
  get screen(): string {
    // eslint-disable-next-line no-control-regex
    return this.#screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  }

  /** Waits for `pattern` in what was printed since the last match; returns the match. */
  async expect(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen.slice(this.#seen);
      const match = pattern.exec(rest);
      if (match) {
        this.#seen += match.index + match[0].length;
        return match;
      }
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} on the screen in ${timeoutMs} ms; it shows:\n${rest}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Types a line (Enter included). */
  type(line: string): void {
    this.#pty.write(`${line}\r`);
  }

  /** Types keys as they are (e.g. Ctrl-C is \x03). */
  write(keys: string): void {
    this.#pty.write(keys);
  }

  /** Waits for the prompt, then answers it. */
  async answer(prompt: RegExp, line: string): Promise<RegExpMatchArray> {
    const match = await this.expect(prompt);
    this.type(line);
    return match;
  }

  kill(): void {
    try {
      this.#pty.kill();
    } catch {
      // already gone
    }
  }
}
