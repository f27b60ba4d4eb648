import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownNameForAudit } from './typed-name.js';

test('an unknown name keeps two characters and a real-looking domain only', () => {
  assert.equal(unknownNameForAudit('nobody@contoso.test'), 'no…@contoso.test');
  assert.equal(unknownNameForAudit('Winter2026!'), 'Wi…');
  // A password with an @ is not a domain.
  assert.equal(unknownNameForAudit('P@ssw0rd#1'), 'P@…');
  assert.equal(unknownNameForAudit('é'), 'é…');
});
