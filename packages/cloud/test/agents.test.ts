import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateEncryptionKeyPair, generateSigningKeyPair } from '@ferry/protocol';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

async function enrollBody(token: string, overrides: Record<string, unknown> = {}) {
  const encryption = await generateEncryptionKeyPair();
  const signing = await generateSigningKeyPair();
  return {
    token,
    name: 'dc-site-1',
    hostname: 'agent01.corp.test',
    agentVersion: '0.1.0',
    protocolVersion: 1,
    encryptionKey: encryption.publicJwk,
    signingKey: signing.publicJwk,
    ...overrides,
  };
}

for (const backend of backends) {
  describe(`agents API on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    let helpdesk: ApiClient;
    let other: ApiClient;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
      helpdesk = await h.signedIn(h.helpdesk);
      other = await h.signedIn(h.otherGlobal);
    });
    after(() => h.stop());

    test('token → enroll → listed (offline, no status yet) → disabled → removed; each audited', async () => {
      const token = await admin.post('/api/v1/agents/enrollment-tokens');
      assert.equal(token.status, 201);
      h.secretsUsed.push(token.json.token);
      const enrolled = await h
        .client()
        .post('/api/v1/agents/enroll', await enrollBody(token.json.token));
      assert.equal(enrolled.status, 201, enrolled.body);
      assert.equal(enrolled.json.tenantId, h.tenantId);
      assert.equal(enrolled.json.gatewayPath, '/agent/v1/connect');
      assert.equal(enrolled.json.cloudSigningKey.kty, 'OKP');
      assert.equal(
        enrolled.json.cloudSigningKey.d,
        undefined,
        'the cloud never hands out its private key',
      );
      const agentId = enrolled.json.agentId as string;
      const list = await admin.get('/api/v1/agents');
      assert.deepEqual(
        list.json.items.map(
          (a: { id: string; online: boolean; status: string; directoryReachable: unknown }) => [
            a.id,
            a.online,
            a.status,
            a.directoryReachable,
          ],
        ),
        [[agentId, false, 'active', null]],
      );
      assert.equal(
        (await admin.patch(`/api/v1/agents/${agentId}`, { status: 'disabled' })).json.status,
        'disabled',
      );
      assert.equal((await admin.post(`/api/v1/agents/${agentId}/rotate-keys`)).status, 202);
      assert.equal((await admin.delete(`/api/v1/agents/${agentId}`)).status, 204);
      assert.deepEqual((await admin.get('/api/v1/agents')).json.items, []);
      const actions = (await h.auditRows()).map((row) => `${row.action}:${row.result}`);
      for (const action of [
        'agent.enrollment_token_created:success',
        'agent.enrolled:success',
        'agent.status_set:success',
        'agent.key_rotation_requested:success',
        'agent.removed:success',
      ]) {
        assert.ok(actions.includes(action), action);
      }
    });

    test('a token is single-use and bad enrollment input gets typed errors', async () => {
      const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
      h.secretsUsed.push(token);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ encryptionKey: { kty: 'RSA', n: 'short', e: 'AQAB' } }, 'body.encryptionKey.n'],
        [{ signingKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } }, 'body.signingKey.kty'],
        [{ name: '' }, 'body.name'],
        [{ protocolVersion: 'one' }, 'body.protocolVersion'],
      ];
      for (const [override, path] of cases) {
        const answer = await h
          .client()
          .post('/api/v1/agents/enroll', await enrollBody(token, override));
        assert.equal(answer.status, 400, path);
        assert.equal(answer.json.error.code, 'validation_failed');
        assert.ok(
          answer.json.error.issues.some((issue: { path: string }) => issue.path.startsWith(path)),
          `${path}: ${answer.body}`,
        );
      }
      const withPrivate = await enrollBody(token);
      const leaked = await h.client().post('/api/v1/agents/enroll', {
        ...withPrivate,
        signingKey: { ...withPrivate.signingKey, d: 'private-part' },
      });
      assert.equal(leaked.status, 400, 'a private key member is refused');
      const future = await h
        .client()
        .post('/api/v1/agents/enroll', await enrollBody(token, { protocolVersion: 9 }));
      assert.equal(future.json.error.code, 'protocol_incompatible');
      assert.equal(
        (await h.client().post('/api/v1/agents/enroll', await enrollBody(token))).status,
        201,
      );
      const again = await h.client().post('/api/v1/agents/enroll', await enrollBody(token));
      assert.equal(again.json.error.code, 'enrollment_token_invalid');
      const unknown = await h
        .client()
        .post('/api/v1/agents/enroll', await enrollBody('x'.repeat(43)));
      assert.equal(unknown.json.error.code, 'enrollment_token_invalid');
    });

    test('an expired token is refused', async () => {
      const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
      h.secretsUsed.push(token);
      h.clock.advance(61 * 60_000);
      const answer = await h.client().post('/api/v1/agents/enroll', await enrollBody(token));
      assert.equal(answer.json.error.code, 'enrollment_token_invalid');
    });

    test('missing rights: a helpdesk admin lists agents but cannot create tokens or change agents', async () => {
      assert.equal((await helpdesk.get('/api/v1/agents')).status, 200);
      assert.equal(
        (await helpdesk.post('/api/v1/agents/enrollment-tokens')).json.error.code,
        'forbidden',
      );
      const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
      h.secretsUsed.push(token);
      const agentId = (await h.client().post('/api/v1/agents/enroll', await enrollBody(token))).json
        .agentId;
      assert.equal(
        (await helpdesk.patch(`/api/v1/agents/${agentId}`, { status: 'disabled' })).json.error.code,
        'forbidden',
      );
      assert.equal(
        (await helpdesk.delete(`/api/v1/agents/${agentId}`)).json.error.code,
        'forbidden',
      );
      assert.equal((await h.client().get('/api/v1/agents')).json.error.code, 'unauthenticated');
    });

    test('wrong tenant: another tenant neither sees nor touches this tenant’s agents', async () => {
      const token = (await admin.post('/api/v1/agents/enrollment-tokens')).json.token as string;
      h.secretsUsed.push(token);
      const agentId = (await h.client().post('/api/v1/agents/enroll', await enrollBody(token))).json
        .agentId;
      assert.ok(
        !(await other.get('/api/v1/agents')).json.items.some(
          (a: { id: string }) => a.id === agentId,
        ),
      );
      assert.equal(
        (await other.patch(`/api/v1/agents/${agentId}`, { status: 'disabled' })).json.error.code,
        'not_found',
      );
      assert.equal((await other.delete(`/api/v1/agents/${agentId}`)).json.error.code, 'not_found');
      assert.equal(
        (await admin.patch(`/api/v1/agents/${agentId}`, { status: 'paused' })).json.error.code,
        'validation_failed',
      );
    });

    test('self-service change: typed errors for bad input; an unknown account answers as a wrong password', async () => {
      const bad = await h.client().post('/api/v1/self-service/password/change', {
        userPrincipalName: 'nobody',
        currentPassword: '',
        newPassword: 'x',
      });
      assert.equal(bad.json.error.code, 'validation_failed');
      const unknown = await h.client().post('/api/v1/self-service/password/change', {
        userPrincipalName: 'ghost@contoso.test',
        currentPassword: h.password(),
        newPassword: h.password(),
      });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.json.error.code, 'wrong_current_password');
    });

    test('self-service change of a cloud-only account checks the current password and the policy', async () => {
      const current = h.global.password;
      const weak = await h.client().post('/api/v1/self-service/password/change', {
        userPrincipalName: h.global.upn,
        currentPassword: current,
        newPassword: 'password1',
      });
      assert.equal(weak.json.error.code, 'policy_violation');
      assert.ok(weak.json.error.rules.some((rule: { rule: string }) => rule.rule === 'banned'));
      const next = h.password();
      const ok = await h.client().post('/api/v1/self-service/password/change', {
        userPrincipalName: h.global.upn,
        currentPassword: current,
        newPassword: next,
      });
      assert.equal(ok.status, 200, ok.body);
      await assert.rejects(h.signedIn(h.global));
      h.global = { ...h.global, password: next };
      admin = await h.signedIn(h.global);
    });
  });
}
