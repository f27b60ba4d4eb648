import { hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/tables.js';
import type { Clock, Random } from '../util/clock.js';
import { ProofOfWork } from './proof-of-work.js';
import { SsprFlows } from './sspr-flows.js';
import { Throttle } from './throttle.js';

/** What the reset routes need beyond the common services. */
export interface SsprKit {
  readonly proofOfWork: ProofOfWork;
  readonly flows: SsprFlows;
  readonly throttle: Throttle;
  /** Server key for decoy gates (HMAC), derived from the data key. */
  readonly decoyKey: Buffer;
}

export function createSsprKit(input: {
  db: Kysely<Database>;
  clock: Clock;
  random: Random;
  dataKey: Buffer;
  powBits: number;
  /** Told of each attempt a throttle refuses (metrics). */
  onThrottled?: (scope: string) => void;
}): SsprKit {
  // Sub-keys of the data key: every node of a cluster shares it, so every node agrees.
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', input.dataKey, Buffer.alloc(0), `ferry sspr ${label}`, 32));
  return {
    proofOfWork: new ProofOfWork(
      input.db,
      input.clock,
      input.random,
      derive('proof of work'),
      input.powBits,
    ),
    flows: new SsprFlows(input.db, input.clock, input.random),
    throttle: new Throttle(input.db, input.clock, input.onThrottled),
    decoyKey: derive('decoy gates'),
  };
}
