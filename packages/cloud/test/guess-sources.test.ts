import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GUESS_PURGE_BATCH } from '../src/auth/guess-guard.js';
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

    const countersOf = (subject: string) =>
      h.cloud.services.db
        .selectFrom('guess_counters')
        .select(['source', 'failures', 'locked'])
        .where('subject', '=', subject)
        .orderBy('source')
        .execute();

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
      assert.equal(checked.length, 5, 'exactly the limit is checked');
      assert.equal(answers.filter((answer) => answer.status === 423).length, 7);
      const counters = await countersOf(ada.id);
      assert.deepEqual(
        counters.map((row) => [row.source, row.failures, row.locked]),
        [
          ['*', 5, 0],
          ['203.0.113.66', 5, 1],
        ],
        'the refused attempts are counted nowhere',
      );
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

    test('parallel wrong guesses from many sources: the ceiling counts exactly its limit, a refused attempt counts on no source', async () => {
      const eli = await h.seedAdmin(h.tenantId, 'eli.parallel@contoso.test', []);
      const extra = 6;
      const answers = await Promise.all(
        Array.from({ length: 50 + extra }, (_, n) =>
          from(`198.18.${Math.floor(n / 200)}.${(n % 200) + 1}`).post(ME, {
            userPrincipalName: eli.upn,
            password: h.password(),
          }),
        ),
      );
      const codes = answers.map((answer) => answer.json.error.code);
      assert.equal(codes.filter((code) => code === 'invalid_credentials').length, 50);
      assert.equal(codes.filter((code) => code === 'sign_in_locked').length, extra);
      const counters = await countersOf(eli.id);
      const ceiling = counters.find((row) => row.source === '*');
      assert.deepEqual(ceiling, { source: '*', failures: 50, locked: 1 });
      const bySource = counters.filter((row) => row.source !== '*');
      assert.equal(
        bySource.length,
        50,
        'only the attempts the ceiling took are counted per source',
      );
      assert.ok(bySource.every((row) => row.failures === 1 && row.locked === 0));
      const lockouts = (await h.auditRows()).filter(
        (row) => row.action === 'me.lockout' && row.target_id === eli.id,
      );
      assert.equal(lockouts.length, 1);
      assert.match(String(lockouts[0]!.detail_json), /"scope":"account"/);
    });

    test('a wrong guess purges a bounded batch of closed counters, never an open one', async () => {
      const { db } = h.cloud.services;
      const past = new Date(h.clock.now().getTime() - 60_000).toISOString();
      const future = new Date(h.clock.now().getTime() + 60_000).toISOString();
      const closed = GUESS_PURGE_BATCH + 7;
      await db
        .insertInto('guess_counters')
        .values([
          ...Array.from({ length: closed }, (_, n) => ({
            tenant_id: h.tenantId,
            surface: 'user',
            subject: `purge-closed-${n}`,
            source: '192.0.2.200',
            failures: 3,
            window_ends: past,
            locked: n % 2,
          })),
          {
            tenant_id: h.tenantId,
            surface: 'user',
            subject: 'purge-open',
            source: '192.0.2.200',
            failures: 3,
            window_ends: future,
            locked: 1,
          },
        ])
        .execute();
      const count = async (prefix: string) =>
        (
          await db
            .selectFrom('guess_counters')
            .select('subject')
            .where('subject', 'like', `${prefix}%`)
            .execute()
        ).length;
      const guess = () =>
        from('192.0.2.201').post(ME, {
          userPrincipalName: 'purge.nobody@contoso.test',
          password: h.password(),
        });
      await guess();
      assert.equal(await count('purge-closed-'), 7, 'one batch per wrong guess');
      await guess();
      assert.equal(await count('purge-closed-'), 0);
      assert.equal(await count('purge-open'), 1);
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

    test('the retired per-account columns are gone from users', async () => {
      const tables = await h.cloud.services.db.introspection.getTables();
      const users = tables.find((table) => table.name === 'users');
      assert.ok(users);
      const columns = users.columns.map((column) => column.name);
      assert.ok(columns.includes('locked_out'));
      assert.ok(!columns.includes('failed_sign_ins'));
      assert.ok(!columns.includes('sign_in_locked_until'));
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
