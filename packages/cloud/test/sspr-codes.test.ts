import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import {
  defaultPasswordResetSettings,
  putPasswordResetSettings,
} from '../src/directory/password-reset-settings.js';
import { backends, sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { SsprClient } from './helpers/sspr-client.js';

for (const backend of backends) {
  describe(`one-time codes on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
    });
    after(() => h.stop());

    const target = (subject: string) =>
      ({ tenantId: h.tenantId, purpose: 'register_email', subject }) as const;

    test('a code is six digits, stored only as a digest, and works once', async () => {
      const { codes } = h.cloud.services;
      const code = await codes.issue(target('s1'));
      assert.match(code.reveal(), /^\d{6}$/);
      const dump = await h.dumpAllTables();
      assert.match(dump, /one_time_codes/);
      assert.equal(dump.includes(`"${code.reveal()}"`), false);
      assert.equal(
        await codes.verify({ ...target('s2'), code }),
        'expired',
        'bound to its subject',
      );
      assert.equal(await codes.verify({ ...target('s1'), code }), 'ok');
      assert.equal(await codes.verify({ ...target('s1'), code }), 'expired');
    });

    test('five tries per code, then it is dead even for the right code', async () => {
      const { codes } = h.cloud.services;
      const code = await codes.issue(target('s3'));
      const wrong = Secret.of(String((Number(code.reveal()) + 1) % 1_000_000).padStart(6, '0'));
      for (let i = 0; i < 5; i++) {
        assert.equal(await codes.verify({ ...target('s3'), code: wrong }), 'wrong');
      }
      assert.equal(await codes.verify({ ...target('s3'), code }), 'expired');
    });

    test('a new code replaces the previous one; codes expire after 5 minutes', async () => {
      const { codes } = h.cloud.services;
      const first = await codes.issue(target('s4'));
      const second = await codes.issue(target('s4'));
      if (!first.equals(second)) {
        assert.equal(await codes.verify({ ...target('s4'), code: first }), 'wrong');
      }
      assert.equal(await codes.verify({ ...target('s4'), code: second }), 'ok');
      const late = await codes.issue(target('s5'));
      h.clock.advance(5 * 60_000);
      assert.equal(await codes.verify({ ...target('s5'), code: late }), 'expired');
    });

    test('parallel guesses cannot exceed the budget of five', async () => {
      const { codes } = h.cloud.services;
      const code = await codes.issue(target('s6'));
      const wrong = Secret.of(String((Number(code.reveal()) + 7) % 1_000_000).padStart(6, '0'));
      const results = await Promise.all(
        Array.from({ length: 12 }, () => codes.verify({ ...target('s6'), code: wrong })),
      );
      assert.equal(results.filter((result) => result === 'wrong').length, 5);
    });
  });
}

describe('per-address limit on starting resets', () => {
  let h: Harness;
  before(async () => {
    // The general limit of 200 a minute gives the credential routes 10 a minute.
    h = await Harness.start(sqliteBackend, { rateLimitPerMinute: 200, ssprPowBits: 2 });
    await putPasswordResetSettings(
      h.cloud.services.db,
      h.clock,
      h.tenantId,
      { ...defaultPasswordResetSettings, ssprEnabled: 'all' },
      'test',
    );
  });
  after(() => h.stop());

  test('the eleventh start in a minute from one address is refused with retryAfter', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await new SsprClient(h.app).start(`user${i}@contoso.test`)).status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    const refused = await new SsprClient(h.app).start('x@contoso.test');
    assert.equal(refused.json.error.code, 'rate_limited');
    assert.ok(refused.json.error.retryAfter > 0);
  });
});
