import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { AgentStatus } from '@ferry/protocol';
import type { Random } from '../util/clock.js';
import { chooseCandidates } from './agent-selection.js';
import type { OnlineAgent } from './agent-store.js';

/** A reproducible `Random`: SHA-256 of the seed and a counter. */
function seededRandom(seed: number): Random {
  let counter = 0;
  const bytes = (length: number): Buffer => {
    const out = Buffer.alloc(length);
    for (let filled = 0; filled < length; filled += 32) {
      createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, filled);
    }
    return out;
  };
  return { bytes, uuid: () => bytes(16).toString('hex') };
}

function agent(id: string, status?: Partial<AgentStatus>): OnlineAgent {
  return {
    id,
    nodeId: 'node-1',
    encryptionKey: {},
    status: status as AgentStatus | undefined,
  };
}

const ids = (pick: ReturnType<typeof chooseCandidates>): string[] =>
  'agents' in pick ? pick.agents.map((candidate) => candidate.id) : [];

describe('choosing the agents an operation goes to', () => {
  test('no agent online, or writeback off on every agent, is said at once', () => {
    assert.deepEqual(chooseCandidates([], true, seededRandom(1)), {
      outcome: { code: 'agent_unavailable', detail: 'no agent of the tenant is online' },
    });
    const off = [agent('a', { passwordWritebackEnabled: false })];
    assert.deepEqual(chooseCandidates(off, true, seededRandom(1)), {
      outcome: { code: 'writeback_disabled', scope: 'agent' },
    });
    assert.deepEqual(ids(chooseCandidates(off, false, seededRandom(1))), ['a'], 'reads still go');
  });

  test('agents that last reported the directory reachable come first', () => {
    const online = [
      agent('down-1', { directoryReachable: false }),
      agent('up-1', { directoryReachable: true }),
      agent('down-2', { directoryReachable: false }),
      agent('up-2'),
    ];
    for (let seed = 0; seed < 20; seed += 1) {
      const order = ids(chooseCandidates(online, true, seededRandom(seed)));
      assert.deepEqual(order.slice(0, 2).sort(), ['up-1', 'up-2']);
      assert.deepEqual(order.slice(2).sort(), ['down-1', 'down-2']);
    }
  });

  test('the order comes from the injected Random: the same seed gives the same order, and seeds reach every order', () => {
    const online = ['a', 'b', 'c'].map((id) => agent(id));
    const orders = new Set<string>();
    for (let seed = 0; seed < 60; seed += 1) {
      const first = ids(chooseCandidates(online, true, seededRandom(seed))).join('');
      assert.equal(ids(chooseCandidates(online, true, seededRandom(seed))).join(''), first);
      orders.add(first);
    }
    assert.deepEqual([...orders].sort(), ['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
  });

  test('a source stuck on values it must redraw still ends', { timeout: 10_000 }, () => {
    const stuck: Random = { bytes: (length) => Buffer.alloc(length, 0xff), uuid: () => 'x' };
    assert.equal(
      ids(
        chooseCandidates(
          ['a', 'b', 'c'].map((id) => agent(id)),
          true,
          stuck,
        ),
      ).length,
      3,
    );
  });
});
