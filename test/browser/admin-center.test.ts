import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { ADMIN_EMAIL, FerrySystem } from '../e2e/support/ferry-system.js';
import { syncedLabUser } from '../e2e/support/synced-lab-user.js';
import {
  buildWebApp,
  launchChromium,
  newPage,
  screenshot,
  seriousA11yViolations,
} from './support/browser.js';

/**
 * The Admin center in Chromium against real processes: a cloud serving the built SPA, an
 * agent with writeback on, the lab DC. Each main page is checked with axe and photographed.
 */
describe('Admin center in a browser (cloud + agent + lab DC + Chromium)', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    buildWebApp();
    lab = await openLab();
    system = new FerrySystem({ lab: lab.state, operationTimeoutSeconds: 20 });
    await system.startNode();
    await system.addAgent();
    browser = await launchChromium();
    ({ page, errors: pageErrors } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await system?.stop();
    await lab?.close();
  });

  const expectAccessible = async () =>
    assert.deepEqual(await seriousA11yViolations(page), [], 'serious or critical axe violations');

  test('an admin signs in and lands on the on-premises blade with the agent up', async () => {
    await page.goto(`${system.nodes[0]!.url}/admin`);
    await page.getByLabel('Admin user name').fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(system.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'On-premises integration' }).waitFor();
    const status = page.getByTestId('integration-status');
    await status.and(page.locator('[data-status="up"]')).waitFor();
    assert.match(await status.innerText(), /up and running/);
    const writeback = page.getByRole('switch', {
      name: 'Write back passwords to your on-premises directory',
    });
    assert.equal(await writeback.isChecked(), true);
    assert.equal(
      await page.getByRole('switch', { name: /unlock accounts without resetting/ }).isChecked(),
      false,
    );
    // The heading of the new view has focus, so a screen reader announces where the user is.
    assert.equal(
      await page.evaluate('document.activeElement && document.activeElement.textContent'),
      'On-premises integration',
    );
    await expectAccessible();
    await screenshot(page, 'admin-on-premises');
  });

  test("the blade shows the agent's last doctor report, problems first with their fixes", async () => {
    const reports = page.getByTestId('doctor-reports');
    await reports.getByRole('heading', { name: 'Agent health checks' }).waitFor();
    // The agent runs the doctor when it connects; the blade polls until the report is there.
    const writeback = reports.locator('[data-check="tenant_writeback"]');
    await writeback.waitFor({ state: 'attached' });
    assert.equal(await writeback.getAttribute('data-status'), 'pass');
    const problems = reports.locator('li[data-status="warn"], li[data-status="fail"]');
    assert.ok((await problems.count()) > 0, 'the lab agent has at least one warning');
    for (const problem of await problems.all()) {
      assert.equal(await problem.isVisible(), true, 'problems are not folded away');
      assert.match(await problem.innerText(), /How to fix/);
    }
    // Passed checks are folded; opening them shows the evidence read from the directory.
    await reports
      .getByText(/^Passed checks \(\d+\)$/)
      .first()
      .click();
    await writeback.waitFor();
    assert.match(await writeback.innerText(), /on: "write back passwords/);
    assert.match(await reports.locator('h3').first().innerText(), /checked/);
    await expectAccessible();
    await screenshot(page, 'admin-doctor-report');
  });

  test('the two switches save to the tenant settings', async () => {
    await page.getByRole('switch', { name: /unlock accounts without resetting/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = await system.api.get('/api/v1/settings/password-reset');
    assert.equal(saved.json.onPremises.unlockWithoutResetEnabled, true);
    assert.equal(saved.json.onPremises.writebackEnabled, true);
  });

  test('the Password reset blade shows and saves the settings document', async () => {
    await page.getByRole('link', { name: 'Password reset' }).click();
    await page.getByRole('heading', { name: 'Password reset' }).waitFor();
    await page.getByRole('radio', { name: 'All' }).check();
    await page.getByLabel('Helpdesk link (URL or email)').fill('https://help.example.test/');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = await system.api.get('/api/v1/settings/password-reset');
    assert.equal(saved.json.ssprEnabled, 'all');
    assert.equal(saved.json.helpdeskLink, 'https://help.example.test/');
    await expectAccessible();
    await screenshot(page, 'admin-password-reset');
  });

  test('the Password reset blade shows registration coverage and requires registration at next sign-in', async () => {
    const card = page.getByTestId('registration-coverage');
    const { json: coverage } = await system.api.get('/api/v1/settings/password-reset/coverage');
    // Scope "All" was saved by the previous test: the card reloads and counts everyone.
    await card
      .getByText(
        `${coverage.all.usersReady} of ${coverage.all.usersInScope} users in scope have registered`,
      )
      .waitFor();
    await card.getByRole('button', { name: 'Require registration at next sign-in' }).click();
    await card.getByText(/Registration required at next sign-in since/).waitFor();
    const after = await system.api.get('/api/v1/settings/password-reset/coverage');
    assert.match(after.json.registrationRequestedAt, /^\d{4}-/);
    await expectAccessible();
  });

  test('admin reset with "must change at next logon" reaches AD, which then demands a change', async () => {
    const user = await syncedLabUser(lab, system);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search users').fill(user.account.userPrincipalName);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const row = page.locator(`tr[data-upn="${user.account.userPrincipalName}"]`);
    await row.getByText('Windows Server AD').waitFor();
    await row.getByText('Active').waitFor();
    await expectAccessible();
    await screenshot(page, 'admin-users');
    await page.getByRole('button', { name: `Manage ${user.account.userPrincipalName}` }).click();
    await page.getByRole('heading', { name: `User: ${user.account.userPrincipalName}` }).waitFor();
    const password = `Vq${randomBytes(6).toString('hex')}!Tz-${randomBytes(3).toString('hex')}`;
    await page.getByLabel('New password', { exact: true }).fill(password);
    // The rules come from the live check while typing.
    await page.locator('[data-rule="too_short"].rule-pass').waitFor();
    await page.getByLabel('Confirm new password').fill(password);
    const mustChange = page.getByLabel(/change their password when they next sign in/);
    assert.equal(await mustChange.isChecked(), true);
    await expectAccessible();
    await screenshot(page, 'admin-user-reset');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByTestId('admin-user-done').getByText('The password was reset.').waitFor();
    // The answer names the operation, as the audit row does.
    const shown = await page
      .getByTestId('admin-user-done')
      .locator('[data-operation-id]')
      .getAttribute('data-operation-id');
    const audit = await system.api.get('/api/v1/audit?action=user.password_reset');
    const audited = audit.json.events.find(
      (event: { target: { id: string } }) => event.target.id === user.userId,
    );
    const journaled = audited.detail.operationId;
    assert.ok(shown && shown === journaled, `${shown} vs ${journaled}`);
    const check = await lab
      .connector()
      .verifyCredentials(
        { by: 'sAMAccountName', value: user.account.sAMAccountName },
        Secret.of(password),
      );
    assert.equal(check.code, 'must_change_password');
  });

  test('the Agents page lists the agent online and can issue an enrollment token', async () => {
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.getByRole('cell', { name: 'Online' }).waitFor();
    await expectAccessible();
    // Photographed before a token is shown: a token has no place in the docs, even a dead one.
    await screenshot(page, 'admin-agents');
    await page.getByRole('button', { name: 'Create an enrollment token' }).click();
    await page.getByText(/Enrollment token \(shown once/).waitFor();
    const token = await page.locator('code.token').innerText();
    assert.ok(token.length >= 20, 'the token is shown once, in full');
  });

  test('the Audit log shows the reset and filters by action', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByTestId('audit-table');
    // Unfiltered, the settings saves of the tests above are listed too; the filter must
    // remove them (waiting for the reset row alone could see the unfiltered table).
    await table.getByText('settings.password_reset_update').first().waitFor();
    await page.getByLabel('Action', { exact: true }).fill('user.password_reset');
    await page.getByRole('button', { name: 'Filter' }).click();
    await table.getByText('settings.password_reset_update').first().waitFor({ state: 'detached' });
    await table.getByText('user.password_reset').first().waitFor();
    assert.equal(await table.getByText('settings.password_reset_update').count(), 0);
    await expectAccessible();
    await screenshot(page, 'admin-audit');
  });

  test('Sync runs render (empty here: this system does not sync)', async () => {
    await page.getByRole('link', { name: 'Sync runs' }).click();
    await page.getByText('No sync run yet.').waitFor();
    await expectAccessible();
  });

  test('switching writeback off on the blade is saved to the tenant settings', async () => {
    await page.getByRole('link', { name: 'On-premises integration' }).click();
    await page.getByTestId('integration-status').and(page.locator('[data-status="up"]')).waitFor();
    await page
      .getByRole('switch', { name: 'Write back passwords to your on-premises directory' })
      .uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = await system.api.get('/api/v1/settings/password-reset');
    assert.equal(saved.json.onPremises.writebackEnabled, false);
    assert.deepEqual(pageErrors, []);
  });

  test('disabling the agent shows it disabled, and the blade says the client cannot connect', async () => {
    const agentId = system.agents[0]!.agentId;
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('cell', { name: 'Disabled' }).waitFor();
    const listed = await system.api.get('/api/v1/agents');
    const agent = listed.json.items.find((item: { id: string }) => item.id === agentId);
    assert.equal(agent.status, 'disabled');
    await page.getByRole('link', { name: 'On-premises integration' }).click();
    const status = page.getByTestId('integration-status');
    await status.and(page.locator('[data-status="down"]')).waitFor();
    assert.match(await status.innerText(), /cannot connect/);
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();
    const again = await system.api.get('/api/v1/agents');
    assert.equal(
      again.json.items.find((item: { id: string }) => item.id === agentId).status,
      'active',
    );
  });
});
