import assert from 'node:assert/strict';
import { mkdtempSync, appendFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { OperationJournal } from './operation-journal.js';

test('the journal survives a restart, ignores a torn last line and holds no secrets', () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'journal-')), 'journal.jsonl');
  const journal = new OperationJournal(file);
  const at = new Date('2026-11-25T12:00:00Z');
  journal.claimed('op-1', at);
  journal.done('op-1', { code: 'applied' }, at);
  journal.claimed('op-2', at);
  appendFileSync(file, '{"phase":"done","operationId":"op-3","at":"2026'); // crash mid-write
  const reopened = new OperationJournal(file);
  assert.deepEqual(reopened.state('op-1'), { phase: 'done', outcome: { code: 'applied' } });
  assert.deepEqual(reopened.state('op-2'), { phase: 'claimed' });
  assert.deepEqual(reopened.state('op-3'), { phase: 'unknown' });
  reopened.done('op-4', { code: 'applied' }, at);
  reopened.close();
  assert.deepEqual(new OperationJournal(file).state('op-4'), {
    phase: 'done',
    outcome: { code: 'applied' },
  });
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.doesNotMatch(readFileSync(file, 'utf8'), /password/i);
});
