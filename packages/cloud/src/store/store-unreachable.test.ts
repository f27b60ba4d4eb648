import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStoreUnreachable, retryWhileUnreachable } from './store-unreachable.js';

const coded = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

test('a server away (refused, terminated, recovering, shut down) is unreachable; a bad query is not', () => {
  assert.equal(isStoreUnreachable(coded('ECONNREFUSED')), true);
  assert.equal(isStoreUnreachable(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isStoreUnreachable(coded('57P03', 'the database system is starting up')), true);
  assert.equal(isStoreUnreachable(coded('57P01')), true);
  assert.equal(isStoreUnreachable(coded('23505', 'duplicate key')), false);
  assert.equal(isStoreUnreachable(coded('42P01', 'relation does not exist')), false);
  assert.equal(isStoreUnreachable('ECONNREFUSED'), false);
});

test('a step is run again while the store is away, and its answer returned once it is back', async () => {
  let calls = 0;
  const answer = await retryWhileUnreachable(async () => {
    calls += 1;
    if (calls < 3) throw coded('ECONNREFUSED');
    return 'back';
  }, Date.now() + 5_000);
  assert.equal(answer, 'back');
  assert.equal(calls, 3);
});

test('any other failure is thrown at once, and the store still away at the deadline is thrown', async () => {
  let calls = 0;
  await assert.rejects(
    retryWhileUnreachable(async () => {
      calls += 1;
      throw coded('23505', 'duplicate key');
    }, Date.now() + 5_000),
    /duplicate key/,
  );
  assert.equal(calls, 1);
  await assert.rejects(
    retryWhileUnreachable(async () => {
      throw coded('ECONNREFUSED', 'still away');
    }, Date.now() + 300),
    /still away/,
  );
});
