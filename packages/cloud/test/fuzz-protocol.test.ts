import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { agentMessageSchema, errorRegistry } from '@ferry/protocol';
import fc from 'fast-check';
import WebSocket from 'ws';
import { writeReliabilitySection } from '../../../test/support/reliability-doc.js';
import { sqliteBackend } from './helpers/backends.js';
import { anyValue, nastyString } from './helpers/fuzz-input.js';
import { Harness } from './helpers/harness.js';

const SEED = Number(process.env['FERRY_FUZZ_SEED'] ?? 20_261_203);
const RUNS = Number(process.env['FERRY_FUZZ_RUNS'] ?? 12) * 10;

/** Every message type an agent may send, each with fields that are wrong in some way. */
const messageTypes = agentMessageSchema.options.map((option) => option.shape.type.value);

const frame = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...messageTypes),
        fc.dictionary(
          fc.constantFrom(
            'protocolVersion',
            'agentId',
            'agentVersion',
            'jws',
            'status',
            'sentAt',
            'operationId',
            'passwordLastSet',
            'outcome',
            'batch',
            'encryptionKey',
            'signingKey',
            'proof',
          ),
          anyValue,
          { maxKeys: 5 },
        ),
      )
      .map(([type, fields]) => JSON.stringify({ ...fields, type })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        type: fc.constant('hello'),
        protocolVersion: fc.constantFrom(1, 2, 0, -1, 2 ** 53),
        agentId: nastyString,
        agentVersion: nastyString,
      })
      .map((m) => JSON.stringify(m)),
  },
  { weight: 1, arbitrary: anyValue.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constant('x'.repeat(1_000_000)) },
);

interface Seen {
  readonly refusedCodes: string[];
  readonly challenged: boolean;
  readonly closeCode: number;
}

/** Opens a connection, sends the frames, and reports what the cloud answered. */
async function exchange(url: string, frames: readonly string[]): Promise<Seen> {
  const socket = new WebSocket(url);
  const refusedCodes: string[] = [];
  let challenged = false;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; code?: string };
    if (message.type === 'refused') refusedCodes.push(String(message.code));
    if (message.type === 'challenge') challenged = true;
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  for (const data of frames) socket.send(data);
  // Closed by the cloud on a refusal; else close from here once it had time to answer.
  const timer = setTimeout(() => socket.close(1000), 300);
  const closeCode = await closed;
  clearTimeout(timer);
  return { refusedCodes, challenged, closeCode };
}

describe('bad input: agent-protocol frames under fast-check (seeded, bounded)', () => {
  let h: Harness;
  let url: string;
  before(async () => {
    h = await Harness.start(sqliteBackend);
    const address = await h.cloud.server.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}/agent/v1/connect`;
  });
  after(() => h?.stop());

  test('every frame is refused with a registry code; never an internal error, the cloud stays up', async () => {
    const tally = { connections: 0, frames: 0, refused: 0, tooBig: 0, challenged: 0 };
    const logFrom = h.logLines.length;
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 3 }), async (frames) => {
        tally.connections += 1;
        tally.frames += frames.length;
        const seen = await exchange(url, frames);
        if (seen.refusedCodes.length > 0) tally.refused += 1;
        else if (seen.closeCode === 1009) tally.tooBig += 1;
        else if (seen.challenged) tally.challenged += 1;
        // Each connection ends refused, closed for size, or challenged (a well-formed hello).
        assert.ok(
          seen.refusedCodes.length > 0 || seen.closeCode === 1009 || seen.challenged,
          `no answer to ${JSON.stringify(frames).slice(0, 200)}`,
        );
        assert.notEqual(seen.closeCode, 1011, 'the cloud failed on the frame');
        for (const code of seen.refusedCodes) assert.ok(code in errorRegistry, code);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const errors = h.logLines
      .slice(logFrom)
      .filter((line) => Number((JSON.parse(line) as { level: number }).level) >= 50);
    assert.deepEqual(errors, []);
    assert.equal((await h.client().get('/readyz')).status, 200);
    await writeReliabilitySection(
      'fuzz-protocol',
      [
        '## Bad input: agent protocol (fuzz)',
        '',
        `Written by \`packages/cloud/test/fuzz-protocol.test.ts\` (fast-check, seed ${SEED}):`,
        'WebSocket connections to the agent gateway carrying one to three frames each: every',
        'agent message type with missing, mistyped, oversized and unicode-edge fields, random',
        'JSON, non-JSON text and 1 MB frames, before any proof of identity. A frame above the',
        '64 KiB cap before the proof closes the socket with 1009; a well-formed hello (any agent',
        'id, known or not) gets a challenge, and nothing else.',
        '',
        '| Connections | Frames | Refused with a registry code | Closed 1009 (over 64 KiB) | Challenged | 1011 / error log | Cloud ready after |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        `| ${tally.connections} | ${tally.frames} | ${tally.refused} | ${tally.tooBig} | ${tally.challenged} | 0 | yes |`,
      ].join('\n'),
    );
  });
});
