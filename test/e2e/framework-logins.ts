import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowser, signInAtEmulatorPage } from '../support/browser.js';
import { type StartLoginApp, startWiredPair } from './login-examples.js';

/** How one framework example is driven: its paths and how its framework answers. */
export interface FrameworkExample {
  /** Names the suite and its screenshot folder (`login-<name>`). */
  readonly name: string;
  /** The callback path registered with the emulator. */
  readonly callbackPath: string;
  readonly start: StartLoginApp;
  /** The sign-out endpoint a forged cross-site POST is sent to. */
  readonly logoutPath: string;
  /**
   * What the framework answers a callback with: `'direct'` when the callback itself answers a
   * refused login with a 4xx page, `'redirect'` when it redirects to an error page.
   */
  readonly failure: 'direct' | 'redirect';
}

/** From the emulator's sign-in page: pick `login`, then answer the consent page. */
function signInAtEmulator(
  session: BrowserSession,
  login: string,
  decision: 'allow' | 'deny',
): Promise<void> {
  return signInAtEmulatorPage(session.page, login, decision, () =>
    session.shot(`emulator-consent-${decision}`),
  );
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** No stack trace, error class or internal code in what a visitor sees. */
async function expectNoInternals(page: Page): Promise<void> {
  const text = (await page.locator('body').textContent()) ?? '';
  expect(text).not.toMatch(/NeverloseOidcError|TypeError|\bat .+:\d+:\d+/);
}

/**
 * The browser journey every framework example must pass against the emulator: sign in allowed
 * and denied, back to a protected page, sign out (and a forged sign-out refused), a forged and a
 * replayed callback refused.
 */
export function describeFrameworkLogin(example: FrameworkExample): void {
  const { name, callbackPath, start, logoutPath } = example;

  describe(`${name} example in Chromium`, () => {
    let pair: Awaited<ReturnType<typeof startWiredPair>>;
    let session: BrowserSession;
    const app = () => pair.app.url;
    const isCallback = (url: string) => url.startsWith(`${app()}${callbackPath}`);

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

    /** Visits a protected page and expects to be sent to the emulator's sign-in page. */
    async function expectSignedOut(page: Page): Promise<void> {
      await page.goto(`${app()}/profile`);
      await page.locator('#signin-form').waitFor();
      expect(new URL(page.url()).origin).toBe(pair.emulator.url);
    }

    it('signs alice in after she allows access and shows her Neverlose profile', async () => {
      const { page } = session;
      await page.goto(app());
      await page.locator('#login').waitFor();
      await session.shot('allowed-home-signed-out');
      await page.click('#login');
      await signInAtEmulator(session, 'alice', 'allow');
      await page.waitForURL((url) => url.origin === app() && url.pathname === '/profile');

      await expect(page.locator('#profile-username').textContent()).resolves.toBe('alice');
      await expect(page.locator('#profile-email').textContent()).resolves.toBe(
        'alice@example.test',
      );
      await expect(page.locator('#profile-reg-date').textContent()).resolves.toBe('2019-04-12');
      await expect(page.locator('#profile-id').textContent()).resolves.toBe('1');
      expect(await page.locator('#profile-avatar').getAttribute('src')).toMatch(/^https?:\/\//);
      await page.locator('#logout').waitFor();
      await session.shot('allowed-profile');
    });

    it('refuses the login with a clear page when alice denies access', async () => {
      const { page } = session;
      await page.goto(app());
      await page.click('#login');
      const callback = page.waitForResponse((response) => isCallback(response.url()));
      await signInAtEmulator(session, 'alice', 'deny');
      const status = (await callback).status();
      if (example.failure === 'direct') expect(status).toBe(403);
      else expect(status).toBeGreaterThanOrEqual(300);
      expect(status).toBeLessThan(500);

      await page.locator('#login-declined').waitFor();
      await expectNoInternals(page);
      await session.shot('denied-declined-page');
      await expectSignedOut(page);
    });

    it('sends a signed-out visitor of /orders through the login and back to /orders', async () => {
      const { page } = session;
      await page.goto(`${app()}/orders`);
      await page.locator('#signin-form').waitFor();
      expect(new URL(page.url()).origin).toBe(pair.emulator.url);
      await signInAtEmulator(session, 'alice', 'allow');
      await page.waitForURL((url) => url.origin === app() && url.pathname === '/orders');

      await expect(page.locator('#orders-title').textContent()).resolves.toContain('alice');
      await expect(page.locator('#orders tbody tr').count()).resolves.toBeGreaterThan(0);
      await session.shot('protected-orders-after-login');
    });

    it('signs out with its control, and refuses a forged cross-site sign-out', async () => {
      const { page } = session;
      await page.goto(`${app()}/profile`);
      await signInAtEmulator(session, 'alice', 'allow');
      await page.waitForURL((url) => url.origin === app() && url.pathname === '/profile');

      // A form another site posts: the browser sends the session cookie, but the request carries
      // another Origin and no valid token.
      const forged = await page.request.post(`${app()}${logoutPath}`, {
        form: { csrf: 'forged', csrfToken: 'forged' },
        headers: { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' },
        maxRedirects: 0,
      });
      expect(forged.status()).toBeLessThan(500);
      await page.reload();
      await expect(page.locator('#profile-username').textContent()).resolves.toBe('alice');

      await page.click('#logout');
      await page.locator('#logged-out').waitFor();
      expect(pathOf(page)).toBe('/');
      await page.locator('#login').waitFor();
      await expect(page.locator('#logout').count()).resolves.toBe(0);
      await session.shot('logout-signed-out');
      await expectSignedOut(page);
    });

    it('refuses a forged callback and a replayed one, and signs no one in', async () => {
      const { page } = session;
      const forged = await page.goto(`${app()}${callbackPath}?code=forged-code&state=forged-state`);
      if (example.failure === 'direct') expect(forged?.status()).toBe(400);
      expect(forged?.status()).toBeLessThan(500);
      await page.locator('#login-failed').waitFor();
      await expectNoInternals(page);
      await session.shot('forged-callback-refused');

      // A real callback, captured, then replayed once the session is gone.
      await page.goto(app());
      await page.click('#login');
      const callback = page.waitForRequest((request) => isCallback(request.url()));
      await signInAtEmulator(session, 'alice', 'allow');
      const callbackUrl = (await callback).url();
      await page.waitForURL((url) => url.origin === app() && url.pathname === '/profile');
      await session.context.clearCookies();

      const replayed = await page.goto(callbackUrl);
      expect(replayed?.status()).toBeLessThan(500);
      await page.locator('#login-failed').waitFor();
      await session.shot('replayed-callback-refused');
      await expectSignedOut(page);
    });
  });
}
