import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { routeModules } from '../src/http/server.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

for (const backend of backends) {
  describe(`health, metrics, OpenAPI and HTTP hygiene on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
    });
    after(() => h.stop());

    test('/healthz and /readyz answer; /readyz reports the store', async () => {
      assert.deepEqual((await h.client().get('/healthz')).json, { status: 'ok' });
      assert.deepEqual((await h.client().get('/readyz')).json, { status: 'ready' });
    });

    test('metrics count requests per route template; the public port has no /metrics', async () => {
      await h.client().get('/healthz');
      assert.equal((await h.client().get('/metrics')).status, 404);
      const metrics = await h.cloud.metrics.render();
      assert.match(metrics.contentType, /text\/plain/);
      assert.match(
        metrics.body,
        /ferry_cloud_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/,
      );
      assert.match(metrics.body, /ferry_cloud_process_cpu_user_seconds_total/);
    });

    test('the OpenAPI document lists every /api/v1 route with its schemas', async () => {
      const doc = await h.client().get('/api/openapi.json');
      assert.equal(doc.status, 200);
      assert.equal(doc.json.openapi, '3.0.3');
      const documented = new Set<string>();
      for (const [route, methods] of Object.entries(doc.json.paths as Record<string, object>)) {
        for (const method of Object.keys(methods))
          documented.add(`${method.toUpperCase()} ${route}`);
      }
      const expected = [
        'POST /api/v1/auth/sign-in',
        'POST /api/v1/auth/sign-out',
        'GET /api/v1/auth/me',
        'POST /api/v1/bootstrap',
        'GET /api/v1/users',
        'POST /api/v1/users',
        'GET /api/v1/users/{id}',
        'PATCH /api/v1/users/{id}',
        'DELETE /api/v1/users/{id}',
        'POST /api/v1/users/{id}/password',
        'POST /api/v1/users/{id}/unlock',
        'PUT /api/v1/users/{id}/roles',
        'GET /api/v1/users/{id}/methods',
        'PUT /api/v1/users/{id}/methods/email',
        'PUT /api/v1/users/{id}/methods/phone',
        'DELETE /api/v1/users/{id}/methods/{kind}',
        'GET /api/v1/groups',
        'POST /api/v1/groups',
        'GET /api/v1/groups/{id}',
        'DELETE /api/v1/groups/{id}',
        'GET /api/v1/groups/{id}/members',
        'PUT /api/v1/groups/{id}/members/{userId}',
        'DELETE /api/v1/groups/{id}/members/{userId}',
        'GET /api/v1/settings/password-reset',
        'PUT /api/v1/settings/password-reset',
        'GET /api/v1/settings/password-reset/coverage',
        'POST /api/v1/settings/password-reset/require-registration',
        'GET /api/v1/audit',
        'POST /api/v1/agents/enrollment-tokens',
        'POST /api/v1/agents/enroll',
        'GET /api/v1/agents',
        'GET /api/v1/agents/doctor-reports',
        'PATCH /api/v1/agents/{id}',
        'POST /api/v1/agents/{id}/rotate-keys',
        'POST /api/v1/cloud-signing-key/rotate',
        'DELETE /api/v1/agents/{id}',
        'POST /api/v1/self-service/password/change',
        'GET /api/v1/sync/status',
        'GET /api/v1/sync/runs',
        'PUT /api/v1/sync/settings',
        'POST /api/v1/sync/run-now',
        'POST /api/v1/sync/confirm-deletes',
        'POST /api/v1/password-policy/check',
        'GET /api/v1/sspr/settings',
        'GET /api/v1/sspr/challenge',
        'POST /api/v1/sspr/start',
        'POST /api/v1/sspr/gates/{kind}/send',
        'GET /api/v1/sspr/gates/security_questions',
        'POST /api/v1/sspr/gates/{kind}/verify',
        'GET /api/v1/sspr/policy',
        'POST /api/v1/sspr/password/check',
        'POST /api/v1/sspr/reset',
        'POST /api/v1/sspr/unlock',
        'POST /api/v1/me/sign-in',
        'POST /api/v1/me/sign-out',
        'GET /api/v1/me',
        'POST /api/v1/me/password',
        'POST /api/v1/me/password/check',
        'POST /api/v1/me/methods/email',
        'POST /api/v1/me/methods/email/confirm',
        'POST /api/v1/me/methods/phone',
        'POST /api/v1/me/methods/phone/confirm',
        'POST /api/v1/me/methods/totp',
        'POST /api/v1/me/methods/totp/confirm',
        'GET /api/v1/me/methods/security_questions/catalog',
        'PUT /api/v1/me/methods/security_questions',
        'DELETE /api/v1/me/methods/{kind}',
        'POST /api/v1/me/registration/review',
        'GET /api/v1/me/sessions',
        'DELETE /api/v1/me/sessions/{id}',
        'POST /api/v1/me/reauthenticate',
        'GET /api/v1/applications',
        'POST /api/v1/applications',
        'GET /api/v1/applications/{clientId}',
        'PUT /api/v1/applications/{clientId}',
        'DELETE /api/v1/applications/{clientId}',
        'POST /api/v1/applications/{clientId}/secret',
        'GET /api/v1/applications/signing-keys',
        'POST /api/v1/applications/signing-keys/rotate',
        'GET /api/v1/settings/sign-in',
        'PUT /api/v1/settings/sign-in',
        'GET /api/v1/sign-in/{uid}',
        'GET /api/v1/sign-in/{uid}/state',
        'POST /api/v1/sign-in/{uid}/password',
        'POST /api/v1/sign-in/{uid}/password/check',
        'POST /api/v1/sign-in/{uid}/password/change',
        'POST /api/v1/sign-in/{uid}/second-factor/send',
        'POST /api/v1/sign-in/{uid}/second-factor/verify',
        'POST /api/v1/sign-in/{uid}/continue',
        'POST /api/v1/sign-in/{uid}/consent',
        'POST /api/v1/sign-in/{uid}/cancel',
      ];
      const api = [...documented].filter((route) => route.includes('/api/v1/'));
      assert.deepEqual(api.sort(), [...expected].sort(), 'each route is documented and tested');
      assert.equal(routeModules.length, 19);
      const body =
        doc.json.paths['/api/v1/settings/password-reset'].put.requestBody.content[
          'application/json'
        ].schema;
      assert.equal(body.properties.reconfirmDays.maximum, 730);
    });

    test('security headers are set on every answer', async () => {
      const response = await h.client().get('/healthz');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.ok(response.headers['content-security-policy']);
      // Served over plain http here: asking browsers to upgrade would break the web app.
      assert.doesNotMatch(
        String(response.headers['content-security-policy']),
        /upgrade-insecure-requests/,
      );
      assert.ok(response.headers['strict-transport-security']);
      assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
    });

    test('unknown routes and malformed JSON answer in the registry shape', async () => {
      const missing = await h.client().get('/api/v1/nope');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.error.code, 'not_found');
      assert.ok(missing.json.error.requestId);
      const malformed = await h.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers: { 'content-type': 'application/json' },
        payload: '{"username":',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().error.code, 'validation_failed');
    });
  });
}

test('/readyz answers 503 not_ready when the store is gone', async () => {
  const backend = backends[0];
  assert.ok(backend);
  const h = await Harness.start(backend);
  try {
    await h.cloud.store.db.destroy();
    const response = await h.client().get('/readyz');
    assert.equal(response.status, 503);
    assert.equal(response.json.error.code, 'not_ready');
  } finally {
    await h.stop();
  }
});

test('the rate limit answers rate_limited with Retry-After', async () => {
  const backend = backends[0];
  assert.ok(backend);
  const h = await Harness.start(backend);
  try {
    let last;
    // The sign-in route allows a twentieth of the general limit, at least 10 a minute.
    for (let i = 0; i < 5001; i++) {
      last = await h.client().post('/api/v1/auth/sign-in', {});
      if (last.status === 429) break;
    }
    assert.equal(last?.status, 429);
    assert.equal(last?.json.error.code, 'rate_limited');
    assert.ok(Number(last?.headers['retry-after']) > 0);
  } finally {
    await h.stop();
  }
});
