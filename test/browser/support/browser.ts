import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../../..');
const CHROMIUM = '/usr/bin/chromium';
/**
 * `npm run screenshots` (FERRY_SCREENSHOTS=docs) refreshes the ones in docs/screenshots; an
 * ordinary test run still takes every screenshot (a page that cannot render fails), into a
 * temporary folder, so running the tests does not rewrite the committed images.
 */
export const SCREENSHOTS =
  process.env['FERRY_SCREENSHOTS'] === 'docs'
    ? path.join(root, 'docs', 'screenshots')
    : path.join(tmpdir(), 'ferry-screenshots');

/** Builds the web app the cloud will serve, so the pages under test are the current sources. */
export function buildWebApp(): void {
  const result = spawnSync('npm', ['run', 'build', '-w', '@ferry/web'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Debian's Chromium, headless; the test fails with the fix when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: run \`apt-get install -y chromium\` (scripts/ensure-installed.sh does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh page (own cookies) at a readable desktop size, in the given language. */
export async function newPage(browser: Browser, locale: 'en-GB' | 'fr-FR' = 'en-GB') {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale,
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * Runs axe-core in the page (WCAG 2.x A/AA) and returns the serious and critical violations.
 * It is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
 * app keeps its strict `script-src 'self'`.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${axeSource}\n;undefined`);
  const violations = (await page.evaluate(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
      .then((result) => result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)),
      })))
  `)) as AxeViolation[];
  return violations.filter((item) => item.impact === 'serious' || item.impact === 'critical');
}

/** Saves a screenshot of the visible page (docs/screenshots is referenced by docs/design/web.md). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
