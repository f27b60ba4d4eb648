import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const url = '/api/v1/password-policy/check';

for (const backend of backends) {
  describe(`live password check on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
    });
    after(() => h.stop());

    test('every rule in force comes back with its verdict and a message, in English or French', async () => {
      const weak = await h.client().post(url, { password: 'password1' });
      assert.equal(weak.status, 200);
      assert.equal(weak.json.ok, false);
      const failing = weak.json.items.filter((item: { status: string }) => item.status === 'fail');
      assert.ok(failing.some((item: { rule: string }) => item.rule === 'banned'));
      assert.ok(weak.json.items.every((item: { message: string }) => item.message.length > 5));
      const strong = await h
        .client()
        .post(url, { password: 'Kettle-Orbit-Vivid-7Q', locale: 'fr' });
      assert.equal(strong.json.ok, true);
      assert.deepEqual(
        strong.json.items.map((item: { rule: string; status: string }) => [item.rule, item.status]),
        weak.json.items.map((item: { rule: string }) => [item.rule, 'pass']),
        'the same rules, all passing',
      );
      const english = (await h.client().post(url, { password: 'Kettle-Orbit-Vivid-7Q' })).json
        .items[0].message;
      assert.notEqual(
        strong.json.items[0].message,
        english,
        'the French text differs from the English',
      );
    });

    test('it takes no account name and echoes no part of the password', async () => {
      const named = await h
        .client()
        .post(url, { password: 'x', userPrincipalName: 'ceo@contoso.test' });
      assert.equal(named.json.error.code, 'validation_failed');
      const secret = 'Zebra-Quartz-Flute-91';
      const answer = await h.client().post(url, { password: secret });
      assert.ok(!JSON.stringify(answer.json).includes('Zebra'));
      const tooLong = await h.client().post(url, { password: 'x'.repeat(1025) });
      assert.equal(tooLong.json.error.code, 'validation_failed');
      assert.ok(!h.logLines.join('\n').includes(secret), 'the password is not logged');
    });
  });
}
