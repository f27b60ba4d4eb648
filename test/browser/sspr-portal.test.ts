import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { ADMIN_EMAIL, FerrySystem } from '../e2e/support/ferry-system.js';
import { syncedLabUser, type SyncedLabUser } from '../e2e/support/synced-lab-user.js';
import { startMailCatcher, type MailCatcher } from '../support/mail-catcher.js';
import {
  buildWebApp,
  launchChromium,
  newPage,
  screenshot,
  seriousA11yViolations,
} from './support/browser.js';
import { passEmailGate, strongPassword, typeNewPassword } from './support/portal.js';

const HELPDESK = 'https://help.example.test/';

/**
 * The SSPR portal in Chromium against real processes: cloud (serving the SPA, mailing codes
 * to a real SMTP catcher), an agent with writeback on, the lab DC. Users are new lab users
 * synced into the cloud with an email method.
 */
describe('SSPR portal in a browser (cloud + agent + lab DC + SMTP + Chromium)', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let mail: MailCatcher;
  let browser: Browser;
  let baseUrl: string;
  const secrets: string[] = [];

  before(async () => {
    buildWebApp();
    lab = await openLab();
    mail = await startMailCatcher();
    system = new FerrySystem({
      lab: lab.state,
      operationTimeoutSeconds: 20,
      cloudEnv: { FERRY_SMTP_URL: mail.url, FERRY_SSPR_POW_BITS: '12' },
    });
    await system.startNode();
    await system.addAgent();
    baseUrl = system.nodes[0]!.url;
    const settings = await system.api.get('/api/v1/settings/password-reset');
    const saved = await system.api.put('/api/v1/settings/password-reset', {
      ...settings.json,
      ssprEnabled: 'all',
      methodsRequired: 1,
      methodsAllowed: ['email', 'totp'],
      helpdeskLink: HELPDESK,
      onPremises: { writebackEnabled: true, unlockWithoutResetEnabled: true },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await system?.stop();
    await mail?.stop();
    await lab?.close();
  });

  /** A synced lab user with a registered email address (set by the admin API). */
  async function enrolledUser(group?: 'minAgeZero' | 'lockoutThree') {
    const user = await syncedLabUser(lab, system, group ? { group } : {});
    const address = `${user.account.sAMAccountName}@mail.example.test`;
    const answer = await system.api.put(`/api/v1/users/${user.userId}/methods/email`, {
      address,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    secrets.push(user.account.password);
    return { ...user, address };
  }

  const bindsWith = async (user: SyncedLabUser, password: string) =>
    (
      await lab
        .connector()
        .verifyCredentials(
          { by: 'sAMAccountName', value: user.account.sAMAccountName },
          Secret.of(password),
        )
    ).code;

  test('a synced user resets by email code, then binds to AD with the new password', async () => {
    const user = await enrolledUser('minAgeZero');
    const { page, errors, context } = await newPage(browser);
    await page.goto(`${baseUrl}/sspr`);
    await page.getByLabel('User name (email format)').waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'sspr-start');

    await passEmailGate(page, { baseUrl, upn: user.account.userPrincipalName, ...user, mail });
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // Focus follows the step, so a screen reader announces the new heading.
    assert.equal(
      await page.evaluate('document.activeElement && document.activeElement.tagName'),
      'H1',
    );
    const password = strongPassword();
    secrets.push(password);
    await typeNewPassword(page, password);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'sspr-new-password');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByTestId('sspr-done').getByText('Your password has been reset').waitFor();
    await screenshot(page, 'sspr-done');

    assert.equal(await bindsWith(user, password), 'applied');
    assert.equal(await bindsWith(user, user.account.password), 'invalid_credentials');
    // Nothing secret travelled in a URL, and no process logged the password.
    assert.doesNotMatch(page.url(), /\d{6}|flow|token/i);
    assert.ok(!system.logs().includes(password), 'the new password is in a log');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a reset refused for minimum age names the rule and when it will pass', async () => {
    const created = Date.now();
    const user = await enrolledUser();
    const { page, context } = await newPage(browser);
    await passEmailGate(page, { baseUrl, upn: user.account.userPrincipalName, ...user, mail });
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await typeNewPassword(page, strongPassword());
    await page.getByRole('button', { name: 'Reset password' }).click();
    const outcome = page.getByTestId('outcome-error');
    await outcome.locator('[data-rule="min_age"]').waitFor();
    const text = await outcome.innerText();
    assert.match(text, /changed too recently/);
    // pwdLastSet was set when the lab user was created, and the domain's minimum age is one
    // day: the date shown is one day after a moment between `created` and now.
    const long = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
    const days = [created, Date.now()].map((at) => long.format(new Date(at + 86_400_000)));
    assert.ok(
      days.some((day) => text.includes(`You can change it again after ${day}`)),
      `expected one of ${days.join(' / ')} in: ${text}`,
    );
    assert.equal(await outcome.getAttribute('role'), 'alert');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'sspr-min-age');
    await context.close();
  });

  test('unlock without reset: a locked-out AD account is unlocked, the password kept', async () => {
    const user = await enrolledUser('lockoutThree');
    for (let attempt = 0; attempt < 4; attempt++) {
      await bindsWith(user, `Wrong-${attempt}-Password!`);
    }
    assert.equal(await bindsWith(user, user.account.password), 'locked_out');
    const { page, context } = await newPage(browser);
    await passEmailGate(page, {
      baseUrl,
      upn: user.account.userPrincipalName,
      ...user,
      mail,
      action: 'unlock',
    });
    await page.getByRole('heading', { name: 'Unlock your account' }).waitFor();
    await page.getByRole('button', { name: 'Unlock my account' }).click();
    await page.getByTestId('sspr-done').getByText('Your account is unlocked').waitFor();
    assert.equal(await bindsWith(user, user.account.password), 'applied');
    await context.close();
  });

  test('a protected account (AD adminCount) is refused with the helpdesk link', async () => {
    const user = await syncedLabUser(lab, system, { fixture: 'tom' });
    const address = 'tom@mail.example.test';
    await system.api.put(`/api/v1/users/${user.userId}/methods/email`, { address });
    const { page, context } = await newPage(browser);
    await passEmailGate(page, { baseUrl, upn: user.account.userPrincipalName, address, mail });
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await typeNewPassword(page, strongPassword());
    await page.getByRole('button', { name: 'Reset password' }).click();
    const outcome = page.getByTestId('outcome-error');
    await outcome.locator('[data-code="protected_account"]').waitFor();
    assert.match(await outcome.innerText(), /Your account is protected/);
    const link = outcome.getByRole('link', { name: 'Contact your helpdesk' });
    assert.equal(await link.getAttribute('href'), HELPDESK);
    await screenshot(page, 'sspr-protected');
    await context.close();
  });

  test('keyboard only: skip link, labelled fields, Enter submits, focus follows the step', async () => {
    const user = await enrolledUser();
    const { page, context } = await newPage(browser);
    await page.goto(`${baseUrl}/sspr`);
    await page.getByLabel('User name (email format)').waitFor();
    const active = () =>
      page.evaluate(
        '[document.activeElement.tagName, document.activeElement.textContent, document.activeElement.id]',
      ) as Promise<[string, string, string]>;
    await page.keyboard.press('Tab');
    assert.deepEqual((await active()).slice(0, 2), ['A', 'Skip to content']);
    await page.keyboard.press('Enter');
    assert.equal((await active())[2], 'main');
    await page.keyboard.press('Tab');
    assert.equal((await active())[0], 'INPUT');
    await page.keyboard.type(user.account.userPrincipalName);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor({ timeout: 30_000 });
    assert.deepEqual((await active()).slice(0, 2), ['H1', 'Verify your identity']);
    await context.close();
  });

  test('the portal speaks French when the browser does', async () => {
    const { page, context } = await newPage(browser, 'fr-FR');
    await page.goto(`${baseUrl}/sspr`);
    await page.getByRole('heading', { name: 'Récupérer l’accès à votre compte' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'sspr-start-fr');
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('heading', { name: 'Get back into your account' }).waitFor();
    await context.close();
  });

  test('the admin turns writeback off in the Admin center; the user sees that outcome', async () => {
    const user = await enrolledUser('minAgeZero');
    const admin = await newPage(browser);
    await admin.page.goto(`${baseUrl}/admin`);
    await admin.page.getByLabel('Admin user name').fill(ADMIN_EMAIL);
    await admin.page.getByLabel('Password', { exact: true }).fill(system.adminPassword);
    await admin.page.getByRole('button', { name: 'Sign in' }).click();
    await admin.page
      .getByRole('switch', { name: 'Write back passwords to your on-premises directory' })
      .uncheck();
    await admin.page.getByRole('button', { name: 'Save' }).click();
    await admin.page.getByText('Saved.').waitFor();
    await admin.context.close();

    const { page, context } = await newPage(browser);
    await passEmailGate(page, { baseUrl, upn: user.account.userPrincipalName, ...user, mail });
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const password = strongPassword();
    await typeNewPassword(page, password);
    await page.getByRole('button', { name: 'Reset password' }).click();
    const outcome = page.getByTestId('outcome-error');
    await outcome.locator('[data-code="writeback_disabled"]').waitFor();
    assert.match(await outcome.innerText(), /turned off by your organisation/);
    assert.equal(
      await outcome.getByRole('link', { name: 'Contact your helpdesk' }).getAttribute('href'),
      HELPDESK,
    );
    await screenshot(page, 'sspr-writeback-off');
    assert.equal(await bindsWith(user, user.account.password), 'applied');
    await context.close();
  });

  test('with no agent connected the user is told the directory cannot be reached', async () => {
    const settings = await system.api.get('/api/v1/settings/password-reset');
    await system.api.put('/api/v1/settings/password-reset', {
      ...settings.json,
      onPremises: { writebackEnabled: true, unlockWithoutResetEnabled: true },
    });
    const user = await enrolledUser('minAgeZero');
    for (const agent of system.agents) await agent.process.stop();
    const { page, context } = await newPage(browser);
    await passEmailGate(page, { baseUrl, upn: user.account.userPrincipalName, ...user, mail });
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await typeNewPassword(page, strongPassword());
    await page.getByRole('button', { name: 'Reset password' }).click();
    const outcome = page.getByTestId('outcome-error');
    await outcome.locator('[data-code="agent_unavailable"]').waitFor({ timeout: 30_000 });
    assert.match(await outcome.innerText(), /cannot be reached right now.*Nothing was changed/s);
    await screenshot(page, 'sspr-no-agent');
    assert.equal(await bindsWith(user, user.account.password), 'applied');
    await context.close();
  });
});
