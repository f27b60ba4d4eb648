import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressLine } from './progress-line.js';

const base = {
  runId: 'r',
  preview: false,
  startedAt: '2026-11-25T10:00:00.000Z',
  batches: 5,
  users: 5_000,
  deletes: 0,
};
const tenSecondsLater = new Date('2026-11-25T10:00:10.000Z');

test('a full run with a known size shows a bar, the share done and the rate', () => {
  const line = progressLine({ ...base, mode: 'full', expectedUsers: 10_000 }, tenSecondsLater);
  assert.equal(
    line,
    'full import  ████████████░░░░░░░░░░░░  50%  5,000/~10,000 users  500 users/s',
  );
});

test('a run of unknown size counts users and batches', () => {
  const line = progressLine({ ...base, mode: 'delta', expectedUsers: undefined }, tenSecondsLater);
  assert.equal(line, 'delta sync  5,000 users, 5 batches  500 users/s');
});

test('more users than expected stop the bar at 100%', () => {
  const line = progressLine(
    { ...base, mode: 'full', preview: true, users: 12_000, expectedUsers: 10_000 },
    tenSecondsLater,
  );
  assert.match(line, /^preview {2}█{24} 100% {2}12,000\/~10,000 users/);
});
