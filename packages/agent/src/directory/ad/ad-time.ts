/**
 * AD time values. Timestamps (pwdLastSet, lockoutTime, accountExpires) are FILETIMEs: 100 ns
 * ticks since 1601-01-01 UTC. Policy durations (minPwdAge, lockoutDuration...) are negative
 * tick counts; the "never" sentinel is the most negative 64-bit value.
 */
const TICKS_PER_MS = 10_000n;
const EPOCH_OFFSET_MS = 11_644_473_600_000n;
const NEVER = -9_223_372_036_854_775_808n;
const MAX_INT64 = 9_223_372_036_854_775_807n;

export function filetimeToDate(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ticks = BigInt(value);
  if (ticks <= 0n || ticks >= MAX_INT64) return undefined;
  return new Date(Number(ticks / TICKS_PER_MS - EPOCH_OFFSET_MS));
}

export function dateToFiletime(date: Date): string {
  return String((BigInt(date.getTime()) + EPOCH_OFFSET_MS) * TICKS_PER_MS);
}

/** A negative-interval duration as whole seconds; "never" and 0 give 0 (no limit). */
export function intervalToSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const ticks = BigInt(value);
  if (ticks === NEVER || ticks === 0n) return 0;
  const magnitude = ticks < 0n ? -ticks : ticks;
  return Number(magnitude / (TICKS_PER_MS * 1000n));
}
