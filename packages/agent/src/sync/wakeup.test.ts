import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Wakeup } from './wakeup.js';

test('a notification that came while nobody waited is not lost', async () => {
  const wakeup = new Wakeup();
  wakeup.notify();
  assert.equal(await wakeup.wait(60_000, new AbortController().signal), 'notified');
});

test('a waiter wakes on notify, on abort, or when its time is up', async () => {
  const wakeup = new Wakeup();
  const notified = wakeup.wait(60_000, new AbortController().signal);
  wakeup.notify();
  assert.equal(await notified, 'notified');

  const controller = new AbortController();
  const aborted = wakeup.wait(60_000, controller.signal);
  controller.abort();
  assert.equal(await aborted, 'aborted');

  assert.equal(await wakeup.wait(1, new AbortController().signal), 'timeout');
});
