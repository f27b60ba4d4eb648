import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { outcomeSchema, type Outcome } from '@ferry/protocol';
import { z } from 'zod';

/**
 * The agent's record of the operations it took on, so that a redelivered operation is
 * never applied twice: `claimed` is written before the directory write, `done` with the
 * outcome after it. One JSON line per event; no secrets.
 *
 * Each line is written to the file (so it survives the agent process dying) before the
 * caller goes on; the flush to disk follows asynchronously, off the user's wait (an fsync
 * costs ~2 ms here, two per operation). Only an OS crash within that moment could lose a
 * line, and by the time the machine is back the operation has expired: no one redelivers it.
 */
const entrySchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('claimed'), operationId: z.string(), at: z.string() }),
  z.object({
    phase: z.literal('done'),
    operationId: z.string(),
    at: z.string(),
    outcome: outcomeSchema,
  }),
]);
type JournalEntry = z.infer<typeof entrySchema>;

/** A blank or torn line (the agent died mid-write) is skipped. */
function parseLine(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    const parsed = entrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type JournalState =
  | { readonly phase: 'unknown' }
  | { readonly phase: 'claimed' }
  | { readonly phase: 'done'; readonly outcome: Outcome };

export class OperationJournal {
  readonly #file: string;
  readonly #entries = new Map<string, JournalState>();
  #fd: number | undefined;
  #endsTorn = false;
  #flushPending = false;

  constructor(file: string) {
    this.#file = file;
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      for (const line of text.split('\n')) {
        const entry = parseLine(line);
        if (entry) this.#remember(entry);
      }
      // A torn last line must not swallow the next entry.
      this.#endsTorn = text.length > 0 && !text.endsWith('\n');
    }
  }

  state(operationId: string): JournalState {
    return this.#entries.get(operationId) ?? { phase: 'unknown' };
  }

  claimed(operationId: string, at: Date): void {
    this.#append({ phase: 'claimed', operationId, at: at.toISOString() });
  }

  done(operationId: string, outcome: Outcome, at: Date): void {
    this.#append({ phase: 'done', operationId, outcome, at: at.toISOString() });
  }

  /** Flushes and closes the file (the agent is stopping). */
  close(): void {
    if (this.#fd === undefined) return;
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #append(entry: JournalEntry): void {
    this.#fd ??= openSync(this.#file, 'a', 0o600);
    writeSync(this.#fd, `${this.#endsTorn ? '\n' : ''}${JSON.stringify(entry)}\n`);
    this.#endsTorn = false;
    this.#remember(entry);
    this.#scheduleFlush();
  }

  /** One fdatasync for all the lines written in this turn of the event loop. */
  #scheduleFlush(): void {
    if (this.#flushPending) return;
    this.#flushPending = true;
    setImmediate(() => {
      this.#flushPending = false;
      if (this.#fd !== undefined) fdatasync(this.#fd, () => undefined);
    });
  }

  #remember(entry: JournalEntry): void {
    this.#entries.set(
      entry.operationId,
      entry.phase === 'done' ? { phase: 'done', outcome: entry.outcome } : { phase: 'claimed' },
    );
  }
}
