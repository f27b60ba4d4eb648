/**
 * Reconnect delays with "full jitter": a random wait up to an exponentially growing cap, so
 * that many agents cut off at once do not all come back at the same instant.
 */
export class JitteredBackoff {
  #attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const cap = Math.min(this.maxMs, this.initialMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.round(cap * this.random());
  }

  reset(): void {
    this.#attempt = 0;
  }
}
