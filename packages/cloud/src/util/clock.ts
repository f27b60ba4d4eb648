import { randomBytes, randomUUID } from 'node:crypto';

/** Time source; injected so tests can move time (lockout windows, token expiry) without sleeping. */
export interface Clock {
  now(): Date;
}

/** Randomness source; injected so tests can make tokens and ids predictable when they need to. */
export interface Random {
  bytes(length: number): Buffer;
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemRandom: Random = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};

/** A clock the caller moves by hand (tests, simulations). */
export class ManualClock implements Clock {
  #now: Date;

  constructor(start: Date = new Date('2026-01-01T00:00:00.000Z')) {
    this.#now = start;
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}
