import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dateToFiletime, filetimeToDate, intervalToSeconds } from './ad-time.js';
import { guidBytesToString, guidStringToBytes } from './ad-guid.js';

test('FILETIME converts both ways; 0 and "never" mean no date', () => {
  const date = new Date('2026-11-25T13:58:50.750Z');
  assert.equal(filetimeToDate(dateToFiletime(date))?.toISOString(), date.toISOString());
  assert.equal(filetimeToDate('0'), undefined);
  assert.equal(filetimeToDate('9223372036854775807'), undefined);
  assert.equal(filetimeToDate(undefined), undefined);
  assert.equal(filetimeToDate('116444736000000000')?.toISOString(), '1970-01-01T00:00:00.000Z');
});

test('negative intervals become seconds; the never sentinel is 0', () => {
  assert.equal(intervalToSeconds('-864000000000'), 86_400);
  assert.equal(intervalToSeconds('-36288000000000'), 42 * 86_400);
  assert.equal(intervalToSeconds('-9223372036854775808'), 0);
  assert.equal(intervalToSeconds('0'), 0);
});

test('objectGUID bytes and text agree with AD byte order', () => {
  const bytes = Buffer.from('9d8e707a5252d84e9fab026cb208a920', 'hex');
  assert.equal(guidBytesToString(bytes), '7a708e9d-5252-4ed8-9fab-026cb208a920');
  assert.deepEqual(guidStringToBytes('7a708e9d-5252-4ed8-9fab-026cb208a920'), bytes);
  assert.throws(() => guidStringToBytes('not-a-guid'));
});
