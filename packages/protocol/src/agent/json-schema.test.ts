import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderAgentProtocolSchema } from './json-schema.js';

test('agent-protocol.schema.json equals the zod schemas (run `npm run docs` after a wire change)', () => {
  const committed = readFileSync(
    new URL('../../agent-protocol.schema.json', import.meta.url),
    'utf8',
  );
  assert.equal(committed, renderAgentProtocolSchema());
});

test('the schema names every message type of both directions', () => {
  const schema = JSON.parse(renderAgentProtocolSchema()) as { $defs: Record<string, unknown> };
  const text = JSON.stringify(schema.$defs);
  for (const type of [
    'hello',
    'proof',
    'status',
    'heartbeat',
    'claim',
    'writing',
    'result',
    'challenge',
    'accepted',
    'refused',
    'operation',
    'claim_answer',
  ]) {
    assert.ok(text.includes(`"const":"${type}"`), type);
  }
});
