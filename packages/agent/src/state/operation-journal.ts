import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { outcomeSchema, type Outcome } from '@ferry/protocol';
import { z } from 'zod';

/**
 * The agent's record of the operations it took on, so that a redelivered operation is
 * never applied twice: `claimed` is written (and flushed to disk) before the directory
 * write, `done` with the outcome after it. One JSON line per event; no secrets.
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

  constructor(file: string) {
    this.#file = file;
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const entry = parseLine(line);
        if (entry) this.#remember(entry);
      }
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

  #append(entry: JournalEntry): void {
    const fd = openSync(this.#file, 'a', 0o600);
    try {
      writeSync(fd, JSON.stringify(entry) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#remember(entry);
  }

  #remember(entry: JournalEntry): void {
    this.#entries.set(
      entry.operationId,
      entry.phase === 'done' ? { phase: 'done', outcome: entry.outcome } : { phase: 'claimed' },
    );
  }
}
