import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCloud, type Cloud } from '../src/app.js';
import { configSchema } from '../src/config/schema.js';
import {
  defaultPasswordResetSettings,
  putPasswordResetSettings,
} from '../src/directory/password-reset-settings.js';
import { statementOf } from '../src/metrics/cloud-metrics.js';
import { promtoolCheck } from '../../../test/support/promtool.js';
import { backends, sqliteBackend } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';
import { SsprClient } from './helpers/sspr-client.js';

const TOKEN = 'scrape-token-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the metrics listener (ADR 0013)', () => {
  let cloud: Cloud;
  let publicUrl: string;
  let destroy: () => Promise<void>;
  before(async () => {
    const store = await sqliteBackend.create();
    destroy = store.destroy;
    const config = configSchema.parse({
      dataDir: store.dataDir,
      port: 0,
      metricsPort: 0,
      metricsToken: TOKEN,
      logLevel: 'silent',
    });
    cloud = await createCloud({ config });
    publicUrl = await cloud.listen();
  });
  after(async () => {
    await cloud.close();
    await destroy();
  });

  test('/metrics is gone from the public port', async () => {
    const response = await fetch(`${publicUrl}/metrics`);
    assert.equal(response.status, 404);
  });

  test('the metrics port serves /metrics with the token, and nothing else', async () => {
    const url = cloud.metricsUrl();
    assert.ok(url?.startsWith('http://127.0.0.1:'), url);
    assert.notEqual(url, publicUrl);
    assert.equal((await fetch(`${url}/metrics`)).status, 401);
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await fetch(`${url}/healthz`, { headers: auth })).status, 404);
    const ok = await fetch(`${url}/metrics`, { headers: auth });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    assert.equal(
      sample(text, `ferry_cloud_agents_online{tenant="${cloud.services.defaultTenantId}"}`),
      0,
    );
    assert.ok(
      (sample(text, 'ferry_cloud_store_query_duration_seconds_count{statement="select"}') ?? 0) > 0,
    );
    await promtoolCheck(text);
  });

  test('a metrics listener off loopback without a token is refused at config time', () => {
    const refused = configSchema.safeParse({ metricsPort: 9464, metricsHost: '0.0.0.0' });
    assert.equal(refused.success, false);
    assert.match(String(refused.error?.issues[0]?.message), /needs a metrics token/);
    assert.equal(configSchema.safeParse({ metricsPort: 9464, metricsHost: '::1' }).success, true);
    assert.equal(
      configSchema.safeParse({ metricsPort: 9464, metricsHost: '0.0.0.0', metricsToken: TOKEN })
        .success,
      true,
    );
  });

  test('the statement label is one of five words, whatever the SQL', () => {
    assert.equal(statementOf('select "id" from "users" where "upn" = ?'), 'select');
    assert.equal(statementOf('  INSERT into x values (1)'), 'insert');
    assert.equal(statementOf('with a as (select 1) update t set x = 1'), 'update');
    assert.equal(statementOf('pragma table_info(users)'), 'other');
  });
});

for (const backend of backends) {
  describe(`cloud metrics count what operators watch on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend, { ssprPowBits: 2 });
    });
    after(() => h.stop());

    test('a lockout, the refusals around it and the requests are counted', async () => {
      const kim = await h.seedAdmin(h.tenantId, 'kim@contoso.test', []);
      const before = (await h.cloud.metrics.render()).body;
      const lockoutSeries = 'ferry_cloud_lockouts_total{action="me.lockout"}';
      for (let i = 0; i < 6; i++) {
        await h.client().post('/api/v1/me/sign-in', {
          userPrincipalName: kim.upn,
          password: h.password(),
        });
      }
      const text = (await h.cloud.metrics.render()).body;
      const locks = (sample(text, lockoutSeries) ?? 0) - (sample(before, lockoutSeries) ?? 0);
      assert.equal(
        locks,
        1,
        text
          .split('\n')
          .filter((l) => l.includes('lockouts'))
          .join('\n'),
      );
      assert.ok((sample(text, 'ferry_cloud_http_refusals_total{code="sign_in_locked"}') ?? 0) >= 1);
      assert.ok(
        (sample(text, 'ferry_cloud_http_refusals_total{code="invalid_credentials"}') ?? 0) >= 5,
      );
    });

    test('SSPR steps and throttles are counted by step, outcome and scope, without names', async () => {
      await putPasswordResetSettings(
        h.cloud.services.db,
        h.clock,
        h.tenantId,
        { ...defaultPasswordResetSettings, ssprEnabled: 'all', methodsAllowed: ['email'] },
        'test',
      );
      const sspr = new SsprClient(h.app);
      assert.equal((await sspr.start('nobody@contoso.test')).status, 200);
      const answers: number[] = [];
      for (let i = 0; i < 6; i++) answers.push((await sspr.post('/gates/email/send')).status);
      const text = (await h.cloud.metrics.render()).body;
      assert.equal(
        sample(text, 'ferry_cloud_sspr_steps_total{step="start",outcome="unknown_user"}'),
        1,
      );
      assert.equal(answers.at(-1), 429, answers.join());
      assert.equal(
        sample(text, 'ferry_cloud_sspr_steps_total{step="gate_send",outcome="rate_limited"}'),
        1,
      );
      assert.equal(sample(text, 'ferry_cloud_throttled_total{scope="sspr.send.email"}'), 1);
      assert.doesNotMatch(text, /nobody@contoso|kim@contoso/);
    });
  });
}
