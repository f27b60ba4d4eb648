import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Secret } from '@ferry/protocol';
import { openLab, type LabFixture } from '../../packages/agent/test/support/lab.js';
import { totpCode, totpStep } from '../../packages/cloud/src/verification/totp.js';
import { ADMIN_EMAIL, FerrySystem } from '../e2e/support/ferry-system.js';
import { syncedLabUser, type SyncedLabUser } from '../e2e/support/synced-lab-user.js';
import { startMailCatcher, type MailCatcher } from '../support/mail-catcher.js';
import { SampleAppServer } from '../support/sample-rp-server.js';
import {
  buildWebApp,
  launchChromium,
  newPage,
  screenshot,
  seriousA11yViolations,
} from './support/browser.js';
import { mailedCode, strongPassword, typeNewPassword } from './support/portal.js';

/**
 * Ferry as the OpenID Connect provider of a sample application (openid-client) in Chromium,
 * against real processes: synced lab users sign in by pass-through to the lab DC, and AD's
 * states (must change, locked) are handled inside the sign-in.
 */
describe('application sign-in in a browser (cloud + agent + lab DC + sample app + Chromium)', () => {
  let lab: LabFixture;
  let system: FerrySystem;
  let mail: MailCatcher;
  let browser: Browser;
  let sampleApp: SampleAppServer;
  let baseUrl: string;
  let issuer: string;

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
    issuer = `${baseUrl}/oidc`;
    const settings = await system.api.get('/api/v1/settings/password-reset');
    const saved = await system.api.put('/api/v1/settings/password-reset', {
      ...settings.json,
      ssprEnabled: 'all',
      methodsRequired: 1,
      methodsAllowed: ['email', 'totp'],
      registrationRequiredAtSignIn: false,
      onPremises: { writebackEnabled: true, unlockWithoutResetEnabled: true },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    sampleApp = await SampleAppServer.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await sampleApp?.stop();
    await system?.stop();
    await mail?.stop();
    await lab?.close();
  });

  async function registerSampleApp(settings: Record<string, unknown> = {}): Promise<string> {
    const created = await system.api.post('/api/v1/applications', {
      name: 'Sample app',
      kind: 'confidential',
      redirectUris: [sampleApp.callbackUrl],
      postLogoutRedirectUris: [sampleApp.loggedOutUrl],
      scopes: ['profile', 'email', 'offline_access'],
      ...settings,
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    await sampleApp.configure({
      issuer,
      clientId: created.json.application.clientId,
      clientSecret: created.json.clientSecret,
    });
    return created.json.application.clientId;
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

  async function signIn(page: Page, upn: string, password: string): Promise<void> {
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await page.getByLabel('User name (email format)').fill(upn);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const signedInAs = (page: Page, upn: string) =>
    page.getByTestId('rp-status').getByText(`Signed in as ${upn}`).waitFor({ timeout: 30_000 });

  test('a synced user signs in to the sample app by pass-through; refresh rotates; logout ends the session', async () => {
    const clientId = await registerSampleApp();
    const user = await syncedLabUser(lab, system);
    const upn = user.account.userPrincipalName;
    const { page, errors, context } = await newPage(browser);
    await page.goto(`${sampleApp.url}/login`);
    await page.getByTestId('signin-application').getByText('Signing in to Sample app').waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'signin-password');
    await signIn(page, upn, user.account.password);
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'signin-consent');
    await page.getByRole('button', { name: 'Accept' }).click();
    await signedInAs(page, upn);
    const claims = sampleApp.session!.claims;
    assert.equal(claims['sub'], user.userId);
    assert.equal(claims['preferred_username'], upn);
    assert.equal(claims['iss'], issuer);
    assert.equal(claims['aud'], clientId);

    await page.goto(`${sampleApp.url}/refresh`);
    await page.getByTestId('rp-status').getByText('Tokens refreshed').waitFor();
    assert.equal(sampleApp.refreshTokens.length, 2);
    assert.notEqual(sampleApp.refreshTokens[0], sampleApp.refreshTokens[1]);

    const lastRefresh = sampleApp.session!.refreshToken!;
    await page.goto(`${sampleApp.url}/logout`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByTestId('rp-status').getByText('Signed out of the sample app').waitFor();
    await assert.rejects(sampleApp.rp.refresh(lastRefresh), 'tokens of the ended session stop');
    await page.goto(`${sampleApp.url}/login`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();

    const audit = await system.api.get('/api/v1/audit?action=oidc.sign_in&limit=50');
    const rows = audit.json.events as {
      target: { id: string };
      result: string;
      actor: { id: string };
    }[];
    assert.ok(
      rows.some(
        (row) =>
          row.target.id === clientId && row.result === 'success' && row.actor.id === user.userId,
      ),
      'the audit log has the sign-in to this application',
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a must-change AD user changes the password inside the sign-in; AD binds with it; the app gets valid tokens', async () => {
    await registerSampleApp({ tenantConsent: true });
    const user = await syncedLabUser(lab, system, { mustChange: true, group: 'minAgeZero' });
    assert.equal(await bindsWith(user, user.account.password), 'must_change_password');
    const { page, context } = await newPage(browser);
    await page.goto(`${sampleApp.url}/login`);
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    const password = strongPassword();
    await typeNewPassword(page, password);
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'signin-must-change');
    await page.getByRole('button', { name: 'Change password and continue' }).click();
    await signedInAs(page, user.account.userPrincipalName);
    assert.equal(await bindsWith(user, password), 'applied');
    assert.equal(sampleApp.session!.claims['sub'], user.userId);
    await context.close();
  });

  test('a locked AD user is offered the unlock, unlocks through SSPR, comes back and signs in', async () => {
    await registerSampleApp({ tenantConsent: true });
    const user = await syncedLabUser(lab, system, { group: 'lockoutThree' });
    const address = `${user.account.sAMAccountName}@mail.example.test`;
    await system.api.put(`/api/v1/users/${user.userId}/methods/email`, { address });
    for (let attempt = 0; attempt < 4; attempt++)
      await bindsWith(user, `Wrong-${attempt}-Password!`);
    assert.equal(await bindsWith(user, user.account.password), 'locked_out');
    const { page, context } = await newPage(browser);
    await page.goto(`${sampleApp.url}/login`);
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page
      .getByTestId('outcome-error')
      .getByText(/Your account is locked/)
      .waitFor();
    await screenshot(page, 'signin-locked');
    await page.getByRole('link', { name: 'Unlock my account' }).click();
    // SSPR opens with the user name and "locked" already chosen.
    assert.equal(
      await page.getByLabel('User name (email format)').inputValue(),
      user.account.userPrincipalName,
    );
    assert.equal(await page.getByRole('radio', { name: /my account is locked/ }).isChecked(), true);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor({ timeout: 30_000 });
    await page.getByRole('radio', { name: /Email a code/ }).check();
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Verification code').fill(await mailedCode(mail, address));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('button', { name: 'Unlock my account' }).click();
    await page.getByTestId('sspr-done').getByText('Your account is unlocked').waitFor();
    await page.getByTestId('sspr-return').click();
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await signedInAs(page, user.account.userPrincipalName);
    await context.close();
  });

  test('an application that requires MFA: the user sets up an authenticator in place, then is asked for a code', async () => {
    await registerSampleApp({ tenantConsent: true, mfaRequired: true });
    const user = await syncedLabUser(lab, system);
    const { page, context } = await newPage(browser);
    await page.goto(`${sampleApp.url}/login`);
    await signIn(page, user.account.userPrincipalName, user.account.password);
    await page.getByText('This application needs a second verification. Set up').waitFor();
    await page.getByRole('button', { name: 'Authenticator app', exact: true }).click();
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByText('Or enter this setup link by hand').click();
    const seed = Secret.of(
      new URL(await page.locator('details code').innerText()).searchParams.get('secret')!,
    );
    await page.getByLabel('Verification code').fill(totpCode(seed, totpStep(new Date())).reveal());
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('methods').locator('[data-kind="totp"]').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'signin-mfa');
    // The code of the next step: the one used to register is spent.
    await page
      .getByLabel('Verification code')
      .fill(totpCode(seed, totpStep(new Date()) + 1).reveal());
    await page.getByRole('button', { name: 'Verify' }).click();
    await signedInAs(page, user.account.userPrincipalName);
    assert.deepEqual(sampleApp.session!.claims['amr'], ['pwd', 'otp', 'mfa']);
    await context.close();
  });

  test('the Admin center registers an application and shows its secret once', async () => {
    const { page, errors, context } = await newPage(browser);
    await page.goto(`${baseUrl}/admin/applications`);
    await page.getByLabel('Admin user name').fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(system.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    assert.equal(await page.getByTestId('issuer').innerText(), issuer);
    await page.getByRole('button', { name: 'Register an application' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Wiki');
    await page
      .getByLabel('Redirect URIs', { exact: true })
      .fill('https://wiki.example.test/oidc/callback');
    await page.getByRole('checkbox', { name: /See the groups you belong to/ }).check();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await screenshot(page, 'admin-application-form');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    const secret = await page.getByTestId('client-secret-value').innerText();
    assert.match(secret, /^[\w-]{43}$/);
    const row = page.getByTestId('applications').locator('tr', { hasText: 'Wiki' });
    await row.waitFor();
    assert.deepEqual(await seriousA11yViolations(page), []);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'admin-applications');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.getByTestId('client-secret').count(), 0);
    const listed = await system.api.get('/api/v1/applications');
    const wiki = listed.json.applications.find((app: { name: string }) => app.name === 'Wiki');
    assert.deepEqual(wiki.scopes, ['profile', 'email', 'groups']);
    assert.equal(
      JSON.stringify(listed.json).includes(secret),
      false,
      'the secret is never shown again',
    );

    await row.getByRole('button', { name: 'Edit Wiki' }).click();
    await page
      .getByRole('switch', { name: /Require a second verification \(MFA\) for this application/ })
      .check();
    await page.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('cell', { name: 'Yes' }).waitFor();
    const saved = await system.api.get(`/api/v1/applications/${wiki.clientId}`);
    assert.equal(saved.json.mfaRequired, true);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
