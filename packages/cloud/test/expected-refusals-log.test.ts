import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  defaultPasswordResetSettings,
  putPasswordResetSettings,
} from '../src/directory/password-reset-settings.js';
import { sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { SsprClient } from './helpers/sspr-client.js';
import { signInToMyAccount } from './helpers/user-client.js';

/** Pino's numeric levels: 40 warn, 50 error. */
function linesAtOrAbove(lines: readonly string[], level: number): Array<Record<string, unknown>> {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => Number(entry['level']) >= level);
}

describe('expected refusals stay out of the error log', () => {
  let h: Harness;
  before(async () => {
    // No SMTP URL: the email gate is one the tenant did not configure. 200 a minute gives
    // the credential routes 10 a minute, so a flood reaches the rate limit too.
    h = await Harness.start(sqliteBackend, { rateLimitPerMinute: 200, ssprPowBits: 2 });
    await putPasswordResetSettings(
      h.cloud.services.db,
      h.clock,
      h.tenantId,
      { ...defaultPasswordResetSettings, ssprEnabled: 'all', methodsAllowed: ['email'] },
      'test',
    );
  });
  after(() => h.stop());

  test('a flood of unconfigured gates, rate limits and policy refusals logs no error and no stack', async () => {
    const codes = new Map<string, number>();
    const count = (code: string) => codes.set(code, (codes.get(code) ?? 0) + 1);
    const before = h.logLines.length;
    const sspr = new SsprClient(h.app);
    assert.equal((await sspr.start('someone@contoso.test')).status, 200);
    for (let round = 0; round < 12; round += 1) {
      const sent = await sspr.post('/gates/email/send');
      count(sent.json.error.code);
    }
    for (let round = 0; round < 12; round += 1) {
      const started = await new SsprClient(h.app).start(`user${round}@contoso.test`);
      if (started.status !== 200) count(started.json.error.code);
    }
    const user = await h.seedAdmin(h.tenantId, 'plain@contoso.test', []);
    const { client } = await signInToMyAccount(h, user.upn, user.password);
    for (let round = 0; round < 5; round += 1) {
      const refused = await client.post('/api/v1/me/password', {
        currentPassword: user.password,
        newPassword: 'Tiny-7x',
      });
      count(refused.json.error.code);
    }
    // Each kind of refusal really happened, so the log had the chance to fill.
    assert.ok((codes.get('mail_not_configured') ?? 0) >= 1, JSON.stringify([...codes]));
    assert.ok((codes.get('rate_limited') ?? 0) >= 2, JSON.stringify([...codes]));
    assert.equal(codes.get('policy_violation'), 5);
    const written = h.logLines.slice(before);
    assert.deepEqual(linesAtOrAbove(written, 50), []);
    assert.equal(
      written.some((line) => line.includes('"stack"')),
      false,
    );
    // The refusals are still there for an operator, at info with their code.
    assert.ok(written.some((line) => line.includes('"code":"mail_not_configured"')));
  });
});
