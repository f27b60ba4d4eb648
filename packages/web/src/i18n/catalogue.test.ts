/// <reference types="node" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { format, placeholders } from './format';
import { messagesEn } from './messages-en';
import { messagesFr } from './messages-fr';

test('French has every English key and the same placeholders in each text', () => {
  assert.deepEqual(Object.keys(messagesFr).sort(), Object.keys(messagesEn).sort());
  for (const [key, english] of Object.entries(messagesEn)) {
    const french = messagesFr[key as keyof typeof messagesEn];
    assert.ok(french.trim().length > 0, key);
    assert.deepEqual(placeholders(french), placeholders(english), key);
  }
});

test('format fills known placeholders and leaves unknown ones visible', () => {
  assert.equal(format('Step {done} of {required}', { done: 1, required: 2 }), 'Step 1 of 2');
  assert.equal(format('Hello {name}', {}), 'Hello {name}');
});
