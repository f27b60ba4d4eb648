import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { upsertSyncedUser } from '../src/directory/synced-users.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const CHANGE = '/api/v1/self-service/password/change';
const SIGN_IN = '/api/v1/me/sign-in';

/**
 * Until a password is proven, a synced account, a cloud-only account and an unknown name
 * answer alike, and every attempt counts. The harness has no agent online: a synced user's
 * password cannot be checked, which must not show (nor be a free retry).
 */
for (const backend of backends) {
  describe(`password proof before anything else on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
    });
    after(() => h.stop());

    const synced = (upn: string) =>
      upsertSyncedUser(h.cloud.services.db, h.clock, h.cloud.services.random, h.tenantId, {
        sourceAnchor: h.random(),
        upn,
        displayName: 'Sam Synced',
        distinguishedName: `CN=${upn},OU=Staff,DC=contoso,DC=test`,
        enabled: true,
        lockedOut: false,
        passwordLastSetAt: h.clock.now().toISOString(),
      });
    /** The error without its request id, which differs on every answer. */
    const strip = (json: { error: Record<string, unknown> }) =>
      Object.fromEntries(Object.entries(json.error).filter(([key]) => key !== 'requestId'));

    test('the change route: a synced name, a cloud-only name and an unknown one answer alike, before any rule', async () => {
      const sam = await synced('sam@contoso.test');
      const cloud = await h.seedAdmin(h.tenantId, 'cleo@contoso.test', []);
      // 'password' breaks every rule: judged before the proof, it would answer 422 with rules.
      const answers = await Promise.all(
        [sam.upn, cloud.upn, 'nobody@contoso.test'].map((name) =>
          h.client().post(CHANGE, {
            userPrincipalName: name,
            currentPassword: h.password(),
            newPassword: 'password',
          }),
        ),
      );
      for (const answer of answers) {
        assert.equal(answer.status, answers[2]!.status, answer.body);
        assert.deepEqual(strip(answer.json), strip(answers[2]!.json));
      }
      assert.equal(answers[2]!.json.error.code, 'wrong_current_password');
    });

    test('the change route counts every attempt on a synced account, even with no agent to ask', async () => {
      const tom = await synced('tom@contoso.test');
      for (let i = 0; i < 5; i++) {
        const r = await h.client().post(CHANGE, {
          userPrincipalName: tom.upn,
          currentPassword: h.password(),
          newPassword: h.password(),
        });
        assert.equal(r.json.error.code, 'wrong_current_password', `attempt ${i + 1}`);
      }
      const locked = await h.client().post(CHANGE, {
        userPrincipalName: tom.upn,
        currentPassword: h.password(),
        newPassword: h.password(),
      });
      assert.equal(locked.json.error.code, 'sign_in_locked');
      const rows = (await h.auditRows()).filter(
        (row) => row.action === 'self_service.lockout' && row.target_id === tom.id,
      );
      assert.equal(rows.length, 1);
    });

    test('My Account sign-in: a synced name with no agent online answers as an unknown name, and counts', async () => {
      const una = await synced('una@contoso.test');
      const unknown = await h
        .client()
        .post(SIGN_IN, { userPrincipalName: 'ghost@contoso.test', password: h.password() });
      for (let i = 0; i < 5; i++) {
        const r = await h
          .client()
          .post(SIGN_IN, { userPrincipalName: una.upn, password: h.password() });
        assert.equal(r.status, unknown.status);
        assert.deepEqual(strip(r.json), strip(unknown.json));
      }
      const locked = await h
        .client()
        .post(SIGN_IN, { userPrincipalName: una.upn, password: h.password() });
      assert.equal(locked.json.error.code, 'sign_in_locked');
      // The audit keeps the true reason for the admins.
      const row = (await h.auditRows()).find(
        (r) => r.action === 'me.sign_in' && r.target_id === una.id,
      );
      assert.equal(JSON.parse(row!.detail_json!).reason, 'agent_unavailable');
    });
  });
}
