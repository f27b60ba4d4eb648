import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const ADMIN = '/api/v1/auth/sign-in';
const ME = '/api/v1/me/sign-in';

/** Guess limits per source, the account-wide ceiling and unknown names (ADR 0014). */
for (const backend of backends) {
  describe(`guess limits per source on ${backend.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await Harness.start(backend);
    });
    after(() => h.stop());

    const from = (address: string): ApiClient => {
      const client = h.client();
      client.remoteAddress = address;
      return client;
    };

    test('parallel wrong guesses from one source lock that source only; the owner elsewhere signs in', async () => {
      const ada = await h.seedAdmin(h.tenantId, 'ada.src@contoso.test', ['global_admin']);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          from('203.0.113.66').post(ADMIN, { username: ada.upn, password: h.password() }),
        ),
      );
      const checked = answers.filter((answer) => answer.json.error.code === 'sign_in_failed');
      assert.ok(checked.length <= 5, `${checked.length} guesses were checked`);
      assert.ok(answers.some((answer) => answer.status === 423));
      const attacker = await from('203.0.113.66').post(ADMIN, {
        username: ada.upn,
        password: ada.password,
      });
      assert.equal(attacker.status, 423);
      const owner = await from('198.51.100.7').post(ADMIN, {
        username: ada.upn,
        password: ada.password,
      });
      assert.equal(owner.status, 200);
      const lockouts = (await h.auditRows()).filter(
        (row) => row.action === 'admin.lockout' && row.target_id === ada.id,
      );
      assert.equal(lockouts.length, 1);
    });

    test('the account-wide ceiling locks every source after ten times the limit', async () => {
      const bo = await h.seedAdmin(h.tenantId, 'bo.ceiling@contoso.test', []);
      await Promise.all(
        Array.from({ length: 10 }, async (_, n) => {
          for (let i = 0; i < 5; i++) {
            const r = await from(`192.0.2.${n + 1}`).post(ME, {
              userPrincipalName: bo.upn,
              password: h.password(),
            });
            assert.equal(r.json.error.code, 'invalid_credentials');
          }
        }),
      );
      const owner = await from('198.51.100.8').post(ME, {
        userPrincipalName: bo.upn,
        password: bo.password,
      });
      assert.equal(owner.status, 423);
      assert.equal(owner.json.error.code, 'sign_in_locked');
      h.clock.advance(16 * 60_000);
      const later = await from('198.51.100.8').post(ME, {
        userPrincipalName: bo.upn,
        password: bo.password,
      });
      assert.equal(later.status, 200);
    });

    test('an unknown name locks after the same tries with the same answer as a real account', async () => {
      const cy = await h.seedAdmin(h.tenantId, 'cy.known@contoso.test', []);
      const answersFor = async (name: string) => {
        const codes: string[] = [];
        for (let i = 0; i < 6; i++) {
          const r = await from('203.0.113.9').post(ME, {
            userPrincipalName: name,
            password: h.password(),
          });
          codes.push(`${r.status} ${r.json.error.code}`);
        }
        return codes;
      };
      const known = await answersFor(cy.upn);
      const unknown = await answersFor('cy.nobody@contoso.test');
      assert.equal(known[5], '423 sign_in_locked');
      assert.deepEqual(unknown, known);
      const rows = await h.cloud.services.db
        .selectFrom('guess_counters')
        .select('subject')
        .execute();
      assert.ok(rows.every((row) => !row.subject.includes('nobody')));
    });

    test('an unlock by an admin clears every counter of the user, on both surfaces', async () => {
      const di = await h.seedAdmin(h.tenantId, 'di.unlock@contoso.test', ['helpdesk_admin']);
      for (const [url, body] of [
        [ADMIN, { username: di.upn, password: h.password() }],
        [ME, { userPrincipalName: di.upn, password: h.password() }],
      ] as const) {
        for (let i = 0; i < 5; i++) await from('203.0.113.10').post(url, body);
      }
      const locked = await from('203.0.113.10').post(ADMIN, {
        username: di.upn,
        password: di.password,
      });
      assert.equal(locked.status, 423);
      const admin = await h.signedIn(h.global);
      const unlock = await admin.post(`/api/v1/users/${di.id}/unlock`, {});
      assert.equal(unlock.status, 200);
      const adminIn = await from('203.0.113.10').post(ADMIN, {
        username: di.upn,
        password: di.password,
      });
      assert.equal(adminIn.status, 200);
      const meIn = await from('203.0.113.10').post(ME, {
        userPrincipalName: di.upn,
        password: di.password,
      });
      assert.equal(meIn.status, 200);
    });
  });
}
