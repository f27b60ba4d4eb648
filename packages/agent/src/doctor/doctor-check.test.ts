import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, exitCodeOf, renderReport, worstStatus } from './doctor-check.js';

test('the worst result is the exit code: pass 0, warn 1, fail 2; a passing check carries no fix', () => {
  const pass = check('a', 'A', 'pass', 'fine', 'never shown');
  const warn = check('b', 'B', 'warn', 'hmm', 'do this');
  const fail = check('c', 'C', 'fail', 'broken', 'do that');
  assert.equal(pass.fix, undefined);
  assert.equal(exitCodeOf(worstStatus([pass])), 0);
  assert.equal(exitCodeOf(worstStatus([pass, warn])), 1);
  assert.equal(exitCodeOf(worstStatus([fail, warn, pass])), 2);
  const table = renderReport([pass, warn, fail]);
  assert.match(table, /^PASS {2}A/m);
  assert.match(table, /^FAIL {2}C .*\[c\]\n {8}broken\n {6}fix:\n {8}do that/m);
  assert.match(table, /1 pass, 1 warn, 1 fail: overall fail$/);
});
