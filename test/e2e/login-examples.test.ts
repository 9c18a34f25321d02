import { startExample as startExpressPassport } from 'neverlose-example-express-passport';
import { startExample as startWebStandard } from 'neverlose-example-web-standard';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowser } from '../support/browser.js';
import { emulatorOptions, type StartLoginApp, startWiredPair } from './login-examples.js';

const EXAMPLES: readonly { name: string; callbackPath: string; start: StartLoginApp }[] = [
  {
    name: 'express-passport',
    callbackPath: '/auth/neverlose/callback',
    start: (issuer, sessionSecret) => startExpressPassport(emulatorOptions(issuer, sessionSecret)),
  },
  {
    name: 'web-standard',
    callbackPath: '/callback',
    start: (issuer, sessionSecret) => startWebStandard(emulatorOptions(issuer, sessionSecret)),
  },
];

/** From the emulator's sign-in page: pick `login`, then answer the consent page. */
async function signInAtEmulator(
  session: BrowserSession,
  login: string,
  decision: 'allow' | 'deny',
): Promise<void> {
  const { page } = session;
  await page.locator('#signin-form').waitFor();
  await session.shot('emulator-sign-in');
  await page.click(`#signin-user-${login}`);
  await page.locator('#consent-form').waitFor();
  await expect(page.locator('#consent-user').textContent()).resolves.toBe(login);
  await session.shot('emulator-consent');
  await page.click(decision === 'allow' ? '#consent-allow' : '#consent-deny');
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe.each(EXAMPLES)('login example $name in Chromium', ({ name, callbackPath, start }) => {
  let pair: Awaited<ReturnType<typeof startWiredPair>>;
  let session: BrowserSession;

  beforeAll(async () => {
    pair = await startWiredPair(start, callbackPath);
    session = await openBrowser(`login-${name}`);
  });
  afterAll(async () => {
    await session?.close();
    await pair?.stop();
  });
  beforeEach(async () => {
    await session.context.clearCookies();
  });

  it('logs alice in after she allows access and shows her profile', async () => {
    const { page } = session;
    await page.goto(pair.app.url);
    await expect(page.locator('#login').isVisible()).resolves.toBe(true);
    await session.shot('allowed-home-logged-out');

    await page.click('#login');
    await signInAtEmulator(session, 'alice', 'allow');
    await page.waitForURL((url) => url.origin === pair.app.url && url.pathname === '/profile');

    await expect(page.locator('#profile-username').textContent()).resolves.toBe('alice');
    await expect(page.locator('#profile-email').textContent()).resolves.toBe('alice@example.test');
    await expect(page.locator('#profile-reg-date').textContent()).resolves.toBe('2019-04-12');
    const avatar = await page.locator('#profile-avatar').getAttribute('src');
    expect(avatar).toMatch(/^https?:\/\//);
    await expect(page.locator('#logout').isVisible()).resolves.toBe(true);
    await session.shot('allowed-profile');
  });

  it('shows a clear "you declined" page when alice denies access', async () => {
    const { page } = session;
    await page.goto(pair.app.url);
    await page.click('#login');
    const callback = page.waitForResponse((response) =>
      response.url().startsWith(`${pair.app.url}${callbackPath}`),
    );
    await signInAtEmulator(session, 'alice', 'deny');
    expect((await callback).status()).toBe(403);

    await expect(page.locator('#login-declined').textContent()).resolves.toContain('declined');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toMatch(/NeverloseOidcError|ERR_ACCESS_DENIED|\bat .+:\d+:\d+/);
    await expect(page.locator('#login').isVisible()).resolves.toBe(true);
    await session.shot('denied-declined-page');

    await page.goto(`${pair.app.url}/profile`);
    await page.locator('#signin-form').waitFor();
    expect(new URL(page.url()).origin).toBe(pair.emulator.url);
  });

  it('sends a logged-out visitor of /orders through the login and back to /orders', async () => {
    const { page } = session;
    await page.goto(`${pair.app.url}/orders`);
    expect(new URL(page.url()).origin).toBe(pair.emulator.url);
    await signInAtEmulator(session, 'alice', 'allow');
    await page.waitForURL((url) => url.origin === pair.app.url && url.pathname === '/orders');

    await expect(page.locator('#orders-title').textContent()).resolves.toContain('alice');
    await expect(page.locator('#orders tbody tr').count()).resolves.toBeGreaterThan(0);
    await session.shot('protected-orders-after-login');
  });

  it('logs out with the form, refuses a logout without the CSRF token, refuses the old session cookie, and protects pages again', async () => {
    const { page } = session;
    await page.goto(`${pair.app.url}/profile`);
    await signInAtEmulator(session, 'alice', 'allow');
    await page.waitForURL((url) => url.origin === pair.app.url && url.pathname === '/profile');
    await session.shot('logout-signed-in');

    // A forged form post (right cookie, no token) must not log anyone out.
    const forged = await page.request.post(`${pair.app.url}/logout`, {
      form: { csrf: 'forged' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await page.reload();
    await expect(page.locator('#profile-username').textContent()).resolves.toBe('alice');

    // A copy of the session cookie, as another tab or a thief would keep it.
    const copied = (await session.context.cookies(pair.app.url))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
    const withCopy = () =>
      fetch(`${pair.app.url}/profile`, { headers: { cookie: copied }, redirect: 'manual' });
    expect((await withCopy()).status).toBe(200);

    await page.click('#logout');
    await page.locator('#logged-out').waitFor();
    expect(pathOf(page)).toBe('/');
    await expect(page.locator('#login').isVisible()).resolves.toBe(true);
    await expect(page.locator('#logout').count()).resolves.toBe(0);
    await session.shot('logout-logged-out');

    // Logging out ends the session itself, not only the browser's cookie.
    const replayed = await withCopy();
    expect([302, 303]).toContain(replayed.status);
    expect(replayed.headers.get('location')).toMatch(/returnTo=%2Fprofile/);

    await page.goto(`${pair.app.url}/orders`);
    await page.locator('#signin-form').waitFor();
    expect(new URL(page.url()).origin).toBe(pair.emulator.url);
    await session.shot('logout-orders-needs-login-again');
  });
});
