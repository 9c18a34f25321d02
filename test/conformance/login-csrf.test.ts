import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession } from '../support/browser.js';
import { signInAtEmulator } from '../support/sign-in.js';
import { confine, drive, signedInAs } from './journey.js';
import { JOURNEY_DEADLINE_MS } from './modules.js';
import { loginUrl, openBrowserFor, SURFACES, startWithEmulator } from './surfaces.js';
import { verdict } from './verdict.js';

// Login CSRF (RFC 9700 §4.7): an attacker starts a login in his browser, signs in at the provider
// as himself and keeps the callback URL instead of following it; the victim's browser opens that
// URL. A login bound to the browser that started it signs nobody in there, and still completes
// in the attacker's own browser. Every surface, with every store its example can keep sessions
// and pending logins in.

const CASES = SURFACES.flatMap((surface) =>
  surface.stores.map((store) => ({ name: `${surface.name} (${store.name})`, surface, store })),
);

let session: BrowserSession;

beforeAll(async () => {
  session = await openBrowserFor(SURFACES, 'login-csrf');
}, 300_000);

afterAll(async () => {
  await session?.close();
});

async function browserOn(browser: Browser, origins: readonly string[]): Promise<BrowserContext> {
  const context = await browser.newContext();
  await confine(context, () => origins);
  return context;
}

// One case at a time: each is an emulator, an app and a browser, and several at once on two
// cores slow the provider past the apps' request timeouts.
describe('login CSRF', () => {
  it.each(CASES)(
    "$name: the attacker's callback signs nobody in in the victim's browser, and still signs him in in his own",
    async ({ surface, store }) => {
      const wired = await startWithEmulator(surface, { store });
      const { app, emulator, child } = wired;
      const origins = [app.url, emulator.url];
      const attacker = await browserOn(session.browser, origins);
      const victim = await browserOn(session.browser, origins);
      try {
        const options = {
          origins,
          app: app.url,
          deadlineMs: JOURNEY_DEADLINE_MS,
          ...(surface.passesThrough === undefined ? {} : { passesThrough: surface.passesThrough }),
        };
        // The attacker's login, as far as the emulator's sign-in page.
        const started = await drive(await attacker.newPage(), loginUrl(surface, app.url), options);
        const signInPage = started.hops.at(-1)?.url ?? '';
        expect(new URL(signInPage).origin, JSON.stringify(started.hops)).toBe(emulator.url);
        // The variant is the one it names: the binding went to a login cookie, or not.
        const loginCookies = (await attacker.cookies(app.url)).filter((cookie) =>
          /^(?:__Host-)?nl_login\b/.test(cookie.name),
        );
        expect(loginCookies.length > 0, 'a login cookie was set').toBe(store.loginCookie === true);
        // He signs in as himself and keeps where the emulator sends him back to.
        const callback = await signInAtEmulator(signInPage, 'bob');
        expect(new URL(callback).pathname).toBe(surface.callbackPath);

        const victimPage = await victim.newPage();
        const inVictim = await drive(victimPage, callback, options);
        const who = await signedInAs(victim.request, app.url);
        const cell = verdict(
          'refuses',
          { kind: 'journey', journey: inVictim, signedInAs: who, died: undefined },
          { origins, callbackPath: surface.callbackPath, deadlineMs: JOURNEY_DEADLINE_MS },
        );
        expect(cell.pass, `in the victim's browser: ${cell.label}\n${cell.detail}`).toBe(true);
        expect(child.alive && child.exits.length === 0, 'the app is up').toBe(true);

        const inAttacker = await drive(await attacker.newPage(), callback, options);
        await expect(
          signedInAs(attacker.request, app.url),
          `in the attacker's browser: ${JSON.stringify(inAttacker.hops)}\nthe app's stderr: ${child.stderr}`,
        ).resolves.toBe('bob');
      } finally {
        await Promise.all([attacker.close(), victim.close()]);
        await wired.stop();
      }
    },
  );
});
