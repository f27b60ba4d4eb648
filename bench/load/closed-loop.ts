/** What one timed block of one side measured. */
export interface BlockResult {
  /** Latencies (ms) of the operations that succeeded. */
  readonly ok: number[];
  readonly errors: number;
  /** From the block's start until its last operation answered. */
  readonly seconds: number;
  /** A few error messages as they came (the first of each kind), for the log. */
  readonly errorSamples: string[];
}

/**
 * A closed loop: `workers` callers, each starting its next operation as soon as the last one
 * answered, until `seconds` have passed; operations in flight at the deadline are awaited and
 * counted (the block's time runs until they answer). A thrown error is a failed operation.
 */
export async function closedLoopBlock(
  workers: number,
  seconds: number,
  operation: (worker: number) => Promise<void>,
): Promise<BlockResult> {
  const ok: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const begin = performance.now();
        try {
          await operation(worker);
          ok.push(performance.now() - begin);
        } catch (error) {
          errors += 1;
          const message = error instanceof Error ? error.message : String(error);
          const kind = message.slice(0, 60);
          if (errorSamples.length < 5 && !errorSamples.some((seen) => seen.startsWith(kind)))
            errorSamples.push(message.slice(0, 300));
        }
      }
    }),
  );
  return { ok, errors, seconds: (performance.now() - started) / 1000, errorSamples };
}

/** Round-robin over a worker's own share of the users, so no user has two operations at once. */
export class Rotation<User> {
  readonly #shares: User[][];
  readonly #next: number[];

  constructor(users: readonly User[], workers: number) {
    this.#shares = Array.from({ length: workers }, (_, worker) =>
      users.filter((_, index) => index % workers === worker),
    );
    this.#next = this.#shares.map(() => 0);
  }

  next(worker: number): User {
    const share = this.#shares[worker]!;
    if (share.length === 0) throw new Error(`worker ${worker} has no user left`);
    const user = share[this.#next[worker]! % share.length]!;
    this.#next[worker]! += 1;
    return user;
  }

  /** Takes a user out (its password is no longer known after a failed change). */
  drop(worker: number, user: User): void {
    const share = this.#shares[worker]!;
    const index = share.indexOf(user);
    if (index >= 0) share.splice(index, 1);
  }
}
