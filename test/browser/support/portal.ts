import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { MailCatcher } from '../../support/mail-catcher.js';

/** Strong enough for the cloud's policy (zxcvbn 3+, not banned) and AD's complexity. */
export function strongPassword(): string {
  return `Vq${randomBytes(6).toString('hex')}!Tz-${randomBytes(3).toString('hex')}`;
}

/** The 6-digit code of the newest mail to `address`. */
export async function mailedCode(mail: MailCatcher, address: string): Promise<string> {
  const message = await mail.waitFor(address, (item) => /\b\d{6}\b/.test(item.text));
  mail.clear();
  return /\b(\d{6})\b/.exec(message.text)![1]!;
}

/**
 * Walks the SSPR portal as a user does: user name, proof of work, the email gate with the
 * code from the mail catcher. Ends on the next step (new password, or unlock).
 */
export async function passEmailGate(
  page: Page,
  options: {
    readonly baseUrl: string;
    readonly upn: string;
    readonly address: string;
    readonly mail: MailCatcher;
    readonly action?: 'reset' | 'unlock';
  },
): Promise<void> {
  await page.goto(`${options.baseUrl}/sspr`);
  await page.getByLabel('User name (email format)').fill(options.upn);
  if (options.action === 'unlock') {
    await page.getByRole('radio', { name: /my account is locked/ }).check();
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor({ timeout: 30_000 });
  await page.getByRole('radio', { name: /Email a code/ }).check();
  await page.getByRole('button', { name: 'Send code' }).click();
  const code = await mailedCode(options.mail, options.address);
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** Types the new password twice and waits for the live rules to answer. */
export async function typeNewPassword(page: Page, password: string): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.locator('[data-rule="too_short"].rule-pass').waitFor();
  await page.getByLabel('Confirm new password').fill(password);
}
