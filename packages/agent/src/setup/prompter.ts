import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { SetupError } from './setup-error.js';

export interface AskOptions {
  /** The flag that answers this question (named when --yes finds no answer). */
  readonly flag: string;
  readonly default?: string | undefined;
  /** Says what is wrong with an answer, or undefined when it is fine. */
  readonly validate?: (answer: string) => string | undefined;
}

export interface ChecklistItem {
  readonly label: string;
  readonly checked: boolean;
}

/** How the wizard asks: on a terminal, or answered by the flags alone (--yes). */
export interface Prompter {
  readonly interactive: boolean;
  say(text: string): void;
  ask(question: string, options: AskOptions): Promise<string>;
  /** A secret, not echoed. */
  secret(question: string, options: AskOptions): Promise<string>;
  /** `unattended` is the answer under --yes (default: `defaultYes`). */
  confirm(question: string, defaultYes: boolean, unattended?: boolean): Promise<boolean>;
  /** Boxes to tick by number; returns each item's final state. */
  checklist(title: string, items: readonly ChecklistItem[]): Promise<boolean[]>;
  close(): void;
}

function box(items: readonly ChecklistItem[], checked: readonly boolean[]): string {
  return items.map((item, i) => `  [${checked[i] ? 'x' : ' '}] ${i + 1}. ${item.label}`).join('\n');
}

/** Answers from the flags: a question without a flag or a default is an error naming the flag. */
export class UnattendedPrompter implements Prompter {
  readonly interactive = false;
  constructor(private readonly out: (text: string) => void = (text) => console.log(text)) {}
  say(text: string): void {
    this.out(text);
  }
  async ask(question: string, options: AskOptions): Promise<string> {
    if (options.default === undefined)
      throw new SetupError('answer_missing', `${options.flag} is needed with --yes (${question})`);
    const problem = options.validate?.(options.default);
    if (problem) throw new SetupError('answer_invalid', `${options.flag}: ${problem}`);
    return options.default;
  }
  secret(question: string, options: AskOptions): Promise<string> {
    return this.ask(question, options);
  }
  async confirm(_question: string, defaultYes: boolean, unattended?: boolean): Promise<boolean> {
    return unattended ?? defaultYes;
  }
  async checklist(title: string, items: readonly ChecklistItem[]): Promise<boolean[]> {
    const checked = items.map((item) => item.checked);
    this.out(`${title}\n${box(items, checked)}`);
    return checked;
  }
  close(): void {}
}

/** Prompts on a terminal with readline; secrets are read with the echo off. */
export class TerminalPrompter implements Prompter {
  readonly interactive = true;
  readonly #rl: Interface;
  readonly #output: NodeJS.WriteStream;
  #muted = false;
  #closing = false;

  constructor(
    input: NodeJS.ReadStream = process.stdin,
    output: NodeJS.WriteStream = process.stdout,
  ) {
    this.#output = output;
    const echo = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (!this.#muted) output.write(chunk);
        done();
      },
    });
    this.#rl = createInterface({ input, output: echo, terminal: true });
    // Ctrl-C (the terminal is raw while readline reads) or Ctrl-D: stop; a question left open
    // would otherwise wait for ever. Nothing is written before the summary is confirmed.
    const cancel = (): void => {
      output.write('\nsetup cancelled\n');
      process.exit(130);
    };
    this.#rl.on('SIGINT', cancel);
    this.#rl.on('close', () => {
      if (!this.#closing) cancel();
    });
  }

  say(text: string): void {
    this.#output.write(`${text}\n`);
  }

  async ask(question: string, options: AskOptions): Promise<string> {
    const suffix = options.default ? ` [${options.default}]` : '';
    for (;;) {
      const typed = (await this.#rl.question(`${question}${suffix}: `)).trim();
      const answer = typed || options.default || '';
      const problem = answer ? options.validate?.(answer) : 'an answer is needed';
      if (!problem) return answer;
      this.say(`  ${problem}`);
    }
  }

  async secret(question: string, options: AskOptions): Promise<string> {
    for (;;) {
      this.#output.write(`${question} (not shown): `);
      this.#muted = true;
      const typed = await this.#rl.question('').finally(() => (this.#muted = false));
      this.#output.write('\n');
      const problem = typed ? options.validate?.(typed) : 'an answer is needed';
      if (!problem) return typed;
      this.say(`  ${problem}`);
    }
  }

  async confirm(question: string, defaultYes: boolean): Promise<boolean> {
    for (;;) {
      const typed = (await this.#rl.question(`${question} [${defaultYes ? 'Y/n' : 'y/N'}]: `))
        .trim()
        .toLowerCase();
      if (typed === '') return defaultYes;
      if (['y', 'yes'].includes(typed)) return true;
      if (['n', 'no'].includes(typed)) return false;
      this.say('  answer y or n');
    }
  }

  async checklist(title: string, items: readonly ChecklistItem[]): Promise<boolean[]> {
    const checked = items.map((item) => item.checked);
    for (;;) {
      this.say(`${title}\n${box(items, checked)}`);
      const typed = (
        await this.#rl.question('Numbers to tick or untick (Enter when done): ')
      ).trim();
      if (typed === '') return checked;
      for (const part of typed.split(/[\s,]+/)) {
        const index = Number(part) - 1;
        if (Number.isInteger(index) && index >= 0 && index < items.length)
          checked[index] = !checked[index];
        else this.say(`  no item ${part}`);
      }
    }
  }

  close(): void {
    this.#closing = true;
    this.#rl.close();
  }
}
