import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Where screenshots go: `test/test-results/screenshots/<suite>/`, emptied when a suite opens its browser. */
export const screenshotsRoot = resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Saves a full-page screenshot of `target` (the session's page) named `NN-step.png`. */
  shot(step: string, target?: Page): Promise<string>;
  close(): Promise<void>;
}

/** Starts a fresh headless Chromium; Playwright gives it a new, empty temporary profile. */
export async function openBrowser(suite: string): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  // A fresh folder per run: stale screenshots from an earlier run would mislead.
  const dir = join(screenshotsRoot, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return {
    browser,
    context,
    page,
    async shot(step, target = page) {
      const file = join(dir, `${String(++count).padStart(2, '0')}-${step}.png`);
      await target.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * On the emulator's sign-in page (open in `page`, or on its way there): picks `login`, then answers
 * the consent page; `beforeAnswer` runs with the consent page shown (a screenshot).
 */
export async function signInAtEmulatorPage(
  page: Page,
  login: string,
  decision: 'allow' | 'deny' = 'allow',
  beforeAnswer?: () => Promise<unknown>,
): Promise<void> {
  await page.locator('#signin-form').waitFor();
  await page.click(`#signin-user-${login}`);
  await page.locator('#consent-form').waitFor();
  const shown = await page.locator('#consent-user').textContent();
  if (shown !== login) throw new Error(`the consent page is for ${shown}, not ${login}`);
  await beforeAnswer?.();
  await page.click(decision === 'allow' ? '#consent-allow' : '#consent-deny');
}
