import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { totpCode, totpStep } from '../../packages/cloud/src/verification/totp.js';
import { FerrySystem } from '../e2e/support/ferry-system.js';
import { syncedLabUser, type SyncedLabUser } from '../e2e/support/synced-lab-user.js';
import { SmsCatcher } from '../../packages/cloud/test/helpers/sms-catcher.js';
import { startMailCatcher, type MailCatcher } from '../support/mail-catcher.js';
import {
  buildWebApp,
  launchChromium,
  newPage,
  screenshot,
  seriousA11yViolations,
} from './support/browser.js';
import { mailedCode, passEmailGate, strongPassword, typeNewPassword } from './support/portal.js';

/**
 * My Account in Chromium against real processes: synced lab users sign in by pass-through
 * (the agent binds to the lab DC as them), change their password, register methods.
 */
describe('My Account in a browser (cloud + agent + lab DC + SMTP + Chromium)', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let mail: MailCatcher;
  let sms: SmsCatcher;
  let browser: Browser;
  let baseUrl: string;

  before(async () => {
    buildWebApp();
    lab = await openLab();
    mail = await startMailCatcher();
    sms = await SmsCatcher.start();
    // The proof of work keeps its default difficulty here: the worker pays the real price.
    system = new FerrySystem({
      lab: lab.state,
      operationTimeoutSeconds: 20,
      cloudEnv: {
        FERRY_SMTP_URL: mail.url,
        FERRY_SMS_GATEWAY: 'http',
        FERRY_SMS_GATEWAY_URL: sms.url,
      },
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
      registrationRequiredAtSignIn: true,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await system?.stop();
    await mail?.stop();
    await sms?.stop();
    await lab?.close();
  });

  const bindsWith = async (user: SyncedLabUser, password: string) =>
    (
      await lab
        .connector()
        .verifyCredentials(
          { by: 'sAMAccountName', value: user.account.sAMAccountName },
          Secret.of(password),
        )
    ).code;

  async function signIn(page: Page, upn: string, password: string): Promise<void> {
    if (!page.url().includes('/myaccount')) await page.goto(`${baseUrl}/myaccount`);
    await page.getByLabel('User name (email format)').fill(upn);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  test('pass-through sign-in, the registration prompt, then email and authenticator registration', async () => {
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    const { page, errors, context } = await newPage(browser);
    await page.goto(`${baseUrl}/myaccount`);
    await page.getByRole('heading', { name: 'Sign in to My Account' }).waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-sign-in');
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    await page.getByTestId('registration-prompt').waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-overview');

    await page.getByRole('button', { name: 'Set up security info' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByRole('button', { name: 'Email', exact: true }).click();
    const address = `${user.account.sAMAccountName}@mail.example.test`;
    await page.getByLabel('Email address').fill(address);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Verification code').fill(await mailedCode(mail, address));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Method added.').waitFor();
    await page.getByTestId('methods').locator('[data-kind="email"]').waitFor();

    await page.getByRole('button', { name: 'Authenticator app', exact: true }).click();
    await page.getByRole('button', { name: 'Set up' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    assert.ok(((await qr.getAttribute('src')) ?? '').startsWith('data:image/svg+xml'));
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-authenticator');
    await page.getByText('Or enter this setup link by hand').click();
    const uri = await page.locator('details code').innerText();
    const seed = new URL(uri).searchParams.get('secret')!;
    const code = totpCode(Secret.of(seed), totpStep(new Date())).reveal();
    await page.getByLabel('Verification code').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('methods').locator('[data-kind="totp"]').waitFor();
    await screenshot(page, 'myaccount-security');

    // "Require registration at next sign-in": with enough methods, the user is asked to review
    // them, once; "up to date" answers the request.
    const asked = await system.api.post('/api/v1/settings/password-reset/require-registration');
    assert.equal(asked.status, 200, JSON.stringify(asked.json));
    await page.goto(`${baseUrl}/myaccount`);
    const prompt = page.getByTestId('registration-prompt');
    await prompt.getByText('check that your security info is up to date').waitFor();
    await page.getByRole('button', { name: 'My security info is up to date' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    assert.equal(await prompt.count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a signed-in synced user changes their password; AD binds with the new one', async () => {
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    const { page, context } = await newPage(browser);
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    await page.getByRole('link', { name: 'Password' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    const password = strongPassword();
    await page.getByLabel('Current password').fill(user.account.password);
    await typeNewPassword(page, password);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-change-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByTestId('password-changed').getByText('Your password is changed.').waitFor();
    assert.equal(await bindsWith(user, password), 'applied');
    assert.ok(!system.logs().includes(password), 'the new password is in a log');
    await context.close();
  });

  test('an old session proves the password again in a dialog before a method change; other sessions are listed and ended', async () => {
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    const upn = user.account.userPrincipalName;
    const laptop = await newPage(browser);
    const phone = await newPage(browser);
    for (const { page } of [laptop, phone]) {
      await signIn(page, upn, user.account.password);
      await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    }
    // Both sessions proved the password eleven minutes ago (past the ten-minute window), a
    // password set twelve minutes ago (a session older than the password would end instead).
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const { db } = system.store();
    await db
      .updateTable('users')
      .set({ password_last_set_at: minutesAgo(12) })
      .where('id', '=', user.userId)
      .execute();
    await db
      .updateTable('user_sessions')
      .set({ created_at: minutesAgo(11) })
      .where('user_id', '=', user.userId)
      .execute();

    const { page, errors } = laptop;
    await page.getByRole('link', { name: 'Security info' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByRole('button', { name: 'Email', exact: true }).click();
    const address = `${user.account.sAMAccountName}@reproof.example.test`;
    await page.getByLabel('Email address').fill(address);
    await page.getByRole('button', { name: 'Send code' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-reauthenticate');
    await dialog.getByLabel('Password', { exact: true }).fill('Not-the-Password-1!');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByText('The user name or password is not correct.').waitFor();
    assert.equal(mail.sentTo(address).length, 0, 'no code before the proof');
    await dialog.getByLabel('Password', { exact: true }).fill(user.account.password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The change went on by itself once the password was proven.
    await page.getByLabel('Verification code').fill(await mailedCode(mail, address));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Method added.').waitFor();

    await page.getByRole('link', { name: 'Sessions' }).click();
    const table = page.getByTestId('sessions');
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), 2);
    assert.match(await table.locator('tr[data-current]').innerText(), /This browser/);
    assert.match(await table.locator('tbody').innerText(), /HeadlessChrome|Chrome/);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-sessions');
    await table.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('That session is signed out.').waitFor();
    // The list reloads after the notice: the other row goes.
    await table.locator('tbody tr:not([data-current])').waitFor({ state: 'detached' });
    assert.equal(await table.locator('tbody tr').count(), 1);
    await phone.page.reload();
    await phone.page.getByRole('heading', { name: 'Sign in to My Account' }).waitFor();
    assert.deepEqual(errors, []);
    await laptop.context.close();
    await phone.context.close();
  });

  test('a user AD says must change is routed to the change screen, then signs in', async () => {
    const account = await lab.newUser({ mustChange: true, group: 'minAgeZero' });
    const found = await lab
      .connector()
      .findUser({ by: 'sAMAccountName', value: account.sAMAccountName });
    assert.ok(found.ok);
    const userId = await system.syncUser(account, found.user.objectGUID);
    const user: SyncedLabUser = { account, userId, objectGUID: found.user.objectGUID };
    const { page, context } = await newPage(browser);
    await signIn(page, account.userPrincipalName, account.password);
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    assert.match(
      await page.getByTestId('must-change-reason').innerText(),
      /requires you to change your password/,
    );
    const password = strongPassword();
    await page.getByLabel('Current password').fill(account.password);
    await typeNewPassword(page, password);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-must-change');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed. Sign in with your new password.').waitFor();
    await signIn(page, account.userPrincipalName, password);
    await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    assert.equal(await bindsWith(user, password), 'applied');
    await context.close();
  });

  test('a locked-out account is said plainly, and a wrong password is not', async () => {
    const user = await syncedLabUser(lab, system, { group: 'lockoutThree' });
    const { page, context } = await newPage(browser);
    await signIn(page, user.account.userPrincipalName, 'Not-the-Password-1!');
    await page
      .getByTestId('outcome-error')
      .getByText('The user name or password is not correct.')
      .waitFor();
    for (let attempt = 0; attempt < 4; attempt++) {
      await bindsWith(user, `Wrong-${attempt}-Password!`);
    }
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page
      .getByTestId('outcome-error')
      .getByText(/Your account is locked/)
      .waitFor();
    await context.close();
  });

  test('two gates: email and security questions registered in My Account, then an SSPR reset', async () => {
    const settings = await system.api.get('/api/v1/settings/password-reset');
    await system.api.put('/api/v1/settings/password-reset', {
      ...settings.json,
      methodsRequired: 2,
      methodsAllowed: ['email', 'security_questions'],
    });
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    const answerFor = (question: string) => `answer ${question.length} ${question.slice(0, 9)}`;
    const { page, context } = await newPage(browser);
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    await page.getByRole('link', { name: 'Security info' }).click();
    await page.getByRole('button', { name: 'Email', exact: true }).click();
    const address = `${user.account.sAMAccountName}@mail.example.test`;
    await page.getByLabel('Email address').fill(address);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Verification code').fill(await mailedCode(mail, address));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('methods').locator('[data-kind="email"]').waitFor();

    await page.getByRole('button', { name: 'Security questions', exact: true }).click();
    const pickers = page.getByLabel('Choose a question');
    await pickers.first().waitFor();
    const answers = page.getByLabel('Answer', { exact: true });
    for (let index = 0; index < (await pickers.count()); index++) {
      const question = await pickers.nth(index).inputValue();
      await answers.nth(index).fill(answerFor(question));
    }
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'myaccount-security-questions');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('methods').locator('[data-kind="security_questions"]').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to My Account' }).waitFor();

    await passEmailGate(page, { baseUrl, upn: user.account.userPrincipalName, address, mail });
    await page.getByText('Step 1 of 2 passed.').waitFor();
    await page.getByRole('radio', { name: 'Answer my security questions' }).waitFor();
    const fields = page.locator('form.gate .field');
    await fields.first().waitFor();
    for (let index = 0; index < (await fields.count()); index++) {
      const question = await fields.nth(index).locator('label').innerText();
      await fields.nth(index).locator('input').fill(answerFor(question));
    }
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'sspr-security-questions');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const password = strongPassword();
    await typeNewPassword(page, password);
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByTestId('sspr-done').waitFor();
    assert.equal(await bindsWith(user, password), 'applied');
    await context.close();
  });

  test('two gates: a texted code and the authenticator app, both registered in My Account', async () => {
    const settings = await system.api.get('/api/v1/settings/password-reset');
    await system.api.put('/api/v1/settings/password-reset', {
      ...settings.json,
      methodsRequired: 2,
      methodsAllowed: ['phone', 'totp'],
    });
    const user = await syncedLabUser(lab, system, { group: 'minAgeZero' });
    const number = `+3361${String(randomInt(1_000_000, 9_999_999))}`;
    const textedCode = async () => {
      const message = await sms.waitFor(number);
      sms.messages.length = 0;
      return /\b(\d{6})\b/.exec(message.text)![1]!;
    };
    const { page, context } = await newPage(browser);
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page.getByRole('heading', { name: /^Hello, / }).waitFor();
    await page.getByRole('link', { name: 'Security info' }).click();
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    await page.getByLabel('Phone number').fill(number);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Verification code').fill(await textedCode());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('methods').locator('[data-kind="phone"]').waitFor();

    await page.getByRole('button', { name: 'Authenticator app', exact: true }).click();
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByText('Or enter this setup link by hand').click();
    const seed = Secret.of(
      new URL(await page.locator('details code').innerText()).searchParams.get('secret')!,
    );
    const registeredStep = totpStep(new Date());
    await page.getByLabel('Verification code').fill(totpCode(seed, registeredStep).reveal());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('methods').locator('[data-kind="totp"]').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.goto(`${baseUrl}/sspr`);
    await page.getByLabel('User name (email format)').fill(user.account.userPrincipalName);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('radio', { name: /Text a code to/ }).check({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Verification code').fill(await textedCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Step 1 of 2 passed.').waitFor();
    await page.getByRole('radio', { name: /authenticator app/ }).check();
    // A step is accepted once per user: use the next one if registration spent this one.
    const step = Math.max(totpStep(new Date()), registeredStep + 1);
    await page.getByLabel('Verification code').fill(totpCode(seed, step).reveal());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const password = strongPassword();
    await typeNewPassword(page, password);
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByTestId('sspr-done').waitFor();
    assert.equal(await bindsWith(user, password), 'applied');
    await context.close();
  });
});
