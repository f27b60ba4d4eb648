import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPasswordResetSettings } from '../src/directory/password-reset-settings.js';
import type { ApiClient } from './helpers/api-client.js';
import { backends } from './helpers/backends.js';
import { Harness } from './helpers/harness.js';

const url = '/api/v1/settings/password-reset';

for (const backend of backends) {
  describe(`password reset settings on ${backend.name}`, () => {
    let h: Harness;
    let admin: ApiClient;
    before(async () => {
      h = await Harness.start(backend);
      admin = await h.signedIn(h.global);
    });
    after(() => h.stop());

    test('defaults until saved, then the saved document round-trips; audited', async () => {
      assert.deepEqual((await admin.get(url)).json, defaultPasswordResetSettings);
      const group = await admin.post('/api/v1/groups', { name: 'SSPR users' });
      const settings = {
        ssprEnabled: 'selected',
        ssprGroupId: group.json.id,
        methodsRequired: 2,
        methodsAllowed: ['email', 'phone', 'totp'],
        registrationRequiredAtSignIn: false,
        reconfirmDays: 730,
        notifyUsersOnReset: false,
        notifyAdminsOnAdminReset: true,
        helpdeskLink: 'mailto-free@helpdesk.test',
        onPremises: { writebackEnabled: false, unlockWithoutResetEnabled: true },
      };
      const put = await admin.put(url, settings);
      assert.equal(put.status, 200);
      assert.deepEqual((await admin.get(url)).json, settings);
      const link = await admin.put(url, {
        ...settings,
        helpdeskLink: 'https://help.contoso.test/sspr',
      });
      assert.equal(link.json.helpdeskLink, 'https://help.contoso.test/sspr');
      const rows = (await h.auditRows()).filter(
        (r) => r.action === 'settings.password_reset_update',
      );
      assert.deepEqual(
        rows.map((r) => r.result),
        ['success', 'success'],
      );
    });

    test('bad input names each offending field', async () => {
      const base = (await admin.get(url)).json;
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ reconfirmDays: 731 }, 'body.reconfirmDays'],
        [{ methodsRequired: 3 }, 'body.methodsRequired'],
        [{ methodsAllowed: ['carrier_pigeon'] }, 'body.methodsAllowed.0'],
        [{ methodsRequired: 2, methodsAllowed: ['email'] }, 'body.methodsAllowed'],
        [{ ssprEnabled: 'selected', ssprGroupId: null }, 'body.ssprGroupId'],
        [{ helpdeskLink: 'javascript:alert(1)' }, 'body.helpdeskLink'],
        [
          { onPremises: { writebackEnabled: 'yes', unlockWithoutResetEnabled: false } },
          'body.onPremises.writebackEnabled',
        ],
        [{ ssprGroupId: h.random() }, 'ssprGroupId'],
      ];
      for (const [change, path] of cases) {
        const response = await admin.put(url, { ...base, ...change });
        assert.equal(response.status, 400, path);
        assert.equal(response.json.error.code, 'validation_failed');
        assert.ok(
          response.json.error.issues.some((i: { path: string }) => i.path === path),
          `${path} in ${JSON.stringify(response.json.error.issues)}`,
        );
      }
      const missing = await admin.put(url, { ssprEnabled: 'all' });
      assert.equal(missing.json.error.code, 'validation_failed');
      assert.deepEqual((await admin.get(url)).json, base, 'a refused write changes nothing');
    });

    test('missing rights: a helpdesk admin reads settings but cannot change them', async () => {
      const helpdesk = await h.signedIn(h.helpdesk);
      const current = await helpdesk.get(url);
      assert.equal(current.status, 200);
      const put = await helpdesk.put(url, { ...current.json, ssprEnabled: 'none' });
      assert.equal(put.status, 403);
      assert.equal(put.json.error.code, 'forbidden');
      const row = (await h.auditRows()).findLast(
        (r) => r.action === 'settings.password_reset_update',
      );
      assert.equal(row?.result, 'forbidden');
      assert.equal(row?.actor_id, h.helpdesk.id);
    });

    test('wrong tenant: each tenant has its own settings; another tenant group is refused', async () => {
      const other = await h.signedIn(h.otherGlobal);
      assert.deepEqual((await other.get(url)).json, defaultPasswordResetSettings);
      const mine = (await admin.get(url)).json;
      const steal = await other.put(url, {
        ...defaultPasswordResetSettings,
        ssprEnabled: 'selected',
        ssprGroupId: mine.ssprGroupId,
      });
      assert.equal(steal.json.error.code, 'validation_failed');
      await other.put(url, { ...defaultPasswordResetSettings, ssprEnabled: 'all' });
      assert.deepEqual((await admin.get(url)).json, mine);
    });
  });
}
