import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriesOperation, markerChanges, markerIds, nextMarkerValue } from './write-marker.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

test('the marker names the newest operation first and keeps a bounded list', () => {
  let value: string | undefined;
  for (let n = 1; n <= 20; n += 1) value = nextMarkerValue(value, id(n));
  const ids = markerIds(value);
  assert.equal(ids.length, 12);
  assert.equal(ids[0], id(20));
  assert.equal(ids.at(-1), id(9));
  assert.ok(carriesOperation(value, id(15)));
  assert.ok(!carriesOperation(value, id(3)));
});

test('a foreign or empty value carries no operation', () => {
  assert.deepEqual(markerIds(undefined), []);
  assert.deepEqual(markerIds('something else ' + id(1)), []);
  assert.ok(!carriesOperation('x', id(1)));
  assert.ok(carriesOperation(nextMarkerValue('x', id(1)), id(1).toUpperCase()));
});

test('the precondition: delete the exact value read, or add when there was none', () => {
  const none = markerChanges('msDS-cloudExtensionAttribute20', undefined, id(1));
  assert.deepEqual(
    none.map((change) => [change.operation, change.modification.values]),
    [['add', [nextMarkerValue(undefined, id(1))]]],
  );
  const previous = nextMarkerValue(undefined, id(1));
  const swap = markerChanges('msDS-cloudExtensionAttribute20', previous, id(2));
  assert.deepEqual(
    swap.map((change) => [change.operation, change.modification.values]),
    [
      ['delete', [previous]],
      ['add', [nextMarkerValue(previous, id(2))]],
    ],
  );
});
