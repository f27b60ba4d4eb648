import type { Outcome } from '@ferry/protocol';
import type { Random } from '../util/clock.js';
import type { OnlineAgent } from './agent-store.js';

/**
 * Online agents able to take the operation, shuffled (active-active), or the outcome that
 * explains why none can: no agent online, or writeback off on every agent.
 */
export function chooseCandidates(
  online: readonly OnlineAgent[],
  isWrite: boolean,
  random: Random,
): { agents: OnlineAgent[] } | { outcome: Outcome } {
  if (online.length === 0)
    return { outcome: { code: 'agent_unavailable', detail: 'no agent of the tenant is online' } };
  const willing = isWrite
    ? online.filter((agent) => agent.status?.passwordWritebackEnabled !== false)
    : [...online];
  if (willing.length === 0) return { outcome: { code: 'writeback_disabled', scope: 'agent' } };
  // Agents that last reported the directory reachable go first; the others still get a try,
  // because a report can be stale and the agent answers precisely if the DC is still down.
  const reaching = willing.filter((agent) => agent.status?.directoryReachable !== false);
  const others = willing.filter((agent) => agent.status?.directoryReachable === false);
  return { agents: [...shuffle(reaching, random), ...shuffle(others, random)] };
}

/** Fisher–Yates, drawing from the injected `Random`. */
function shuffle<T>(items: readonly T[], random: Random): T[] {
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = randomBelow(random, index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return shuffled;
}

/**
 * A uniform integer in [0, bound): 32 random bits, redrawn above the last whole multiple (a
 * redraw is rarer than one in 10⁸ for a handful of agents; a source stuck on such values
 * still ends).
 */
function randomBelow(random: Random, bound: number): number {
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  for (let draw = 1; ; draw += 1) {
    const value = random.bytes(4).readUInt32BE(0);
    if (value < limit || draw === 4) return value % bound;
  }
}
