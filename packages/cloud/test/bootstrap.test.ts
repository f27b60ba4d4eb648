import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Secret } from '@ferry/protocol';
import { createFirstAdmin, issueBootstrapToken } from '../src/auth/bootstrap.js';
import { countGlobalAdmins } from '../src/directory/roles.js';
import type { FerryError } from '../src/util/ferry-error.js';
import { createTenant } from '../src/directory/tenants.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const root = path.resolve(import.meta.dirname, '../../..');

for (const backend of backends) {
  describe(`first admin bootstrap on ${backend.name}`, () => {
    let h: Harness;
    let tenantWithoutAdmin: string;
    before(async () => {
      h = await Harness.start(backend);
      // A tenant without admins (the seeded tenants have one each).
      tenantWithoutAdmin = await createTenant(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        'New',
      );
    });
    after(() => h.stop());

    test('the command line holds the first admin to the policy too', async () => {
      const tenant = await createTenant(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        'Cli',
      );
      const weak = createFirstAdmin(
        h.cloud.services,
        tenant,
        { email: 'root@cli.test', displayName: 'Root', password: Secret.of('password') },
        { channel: 'cli' },
      );
      await assert.rejects(weak, (error: FerryError) => {
        assert.equal(error.code, 'policy_violation');
        assert.ok(error.rules?.some((rule) => rule.rule === 'banned'));
        return true;
      });
      assert.equal(await countGlobalAdmins(h.cloud.services.db, tenant), 0);
    });

    test('no link is issued for a tenant that has an admin', async () => {
      assert.equal(await issueBootstrapToken(h.cloud.services, h.tenantId, 60), undefined);
    });

    test('the one-time link creates the first global admin, once', async () => {
      const token = await issueBootstrapToken(h.cloud.services, tenantWithoutAdmin, 60);
      assert.ok(token);
      h.secretsUsed.push(token.reveal());
      const password = h.password();
      const body = {
        token: token.reveal(),
        email: 'first@new.test',
        displayName: 'First',
        password,
      };
      // The first admin's password holds to the policy; a refusal does not spend the link.
      const weak = await h.client().post('/api/v1/bootstrap', { ...body, password: 'password' });
      assert.equal(weak.json.error.code, 'policy_violation');
      assert.ok(weak.json.error.rules.some((r: { rule: string }) => r.rule === 'banned'));
      const created = await h.client().post('/api/v1/bootstrap', body);
      assert.equal(created.status, 201);
      assert.deepEqual(created.json.roles, ['global_admin']);
      await h.client().signIn('first@new.test', password, tenantWithoutAdmin);
      const again = await h
        .client()
        .post('/api/v1/bootstrap', { ...body, email: 'second@new.test' });
      assert.equal(again.status, 410);
      assert.equal(again.json.error.code, 'bootstrap_unavailable');
      const rows = (await h.auditRows(tenantWithoutAdmin)).filter(
        (r) => r.action === 'admin.bootstrap',
      );
      assert.deepEqual(
        rows.map((r) => r.result),
        ['success', 'bootstrap_unavailable'],
      );
    });

    test('an expired or unknown token is refused; bad input is validation_failed', async () => {
      const third = await createTenant(
        h.cloud.services.db,
        h.clock,
        h.cloud.services.random,
        'Third',
      );
      const token = await issueBootstrapToken(h.cloud.services, third, 60);
      assert.ok(token);
      h.clock.advance(61 * 60_000);
      const body = {
        token: token.reveal(),
        email: 'late@third.test',
        displayName: 'Late',
        password: h.password(),
      };
      assert.equal(
        (await h.client().post('/api/v1/bootstrap', body)).json.error.code,
        'bootstrap_unavailable',
      );
      const unknown = await h
        .client()
        .post('/api/v1/bootstrap', { ...body, token: 'x'.repeat(43) });
      assert.equal(unknown.json.error.code, 'bootstrap_unavailable');
      const bad = await h
        .client()
        .post('/api/v1/bootstrap', { ...body, email: 'nope', password: 'short' });
      assert.equal(bad.json.error.code, 'validation_failed');
    });
  });
}

for (const backend of backends) {
  test(`npm run cloud -- bootstrap-admin creates the first admin once (${backend.name})`, async () => {
    const store = await backend.create();
    try {
      const passwordFile = path.join(store.dataDir, 'pw');
      writeFileSync(passwordFile, 'Cli-Bootstrap-Pass-1\n', { mode: 0o600 });
      const env = {
        ...process.env,
        FERRY_DATA_DIR: store.dataDir,
        FERRY_BOOTSTRAP_PASSWORD_FILE: passwordFile,
        ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : { DATABASE_URL: '' }),
      };
      const run = () =>
        spawnSync(
          process.execPath,
          [
            '--conditions=ferry-source',
            '--import',
            'tsx',
            'packages/cloud/src/cli.ts',
            'bootstrap-admin',
            '--email',
            'root@contoso.test',
          ],
          { cwd: root, env, encoding: 'utf8' },
        );
      const first = run();
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /created global admin root@contoso\.test/);
      const second = run();
      assert.equal(second.status, 1);
      assert.match(second.stderr, /bootstrap_unavailable/);
      assert.doesNotMatch(first.stdout + first.stderr + second.stderr, /Cli-Bootstrap-Pass-1/);
    } finally {
      await store.destroy();
    }
  });
}
