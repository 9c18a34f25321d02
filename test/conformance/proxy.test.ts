import { freePort } from '@neverlose-toolkit/test-support/ports';
import type { Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserSession } from '../support/browser.js';
import { startTlsProxy } from '../support/tls-proxy.js';
import { confine, drive, signedInAs } from './journey.js';
import { JOURNEY_DEADLINE_MS } from './modules.js';
import { loginUrl, openBrowserFor, SURFACES, startWithEmulator } from './surfaces.js';

// Behind a TLS-terminating reverse proxy (the usual deployment): each example is started with
// `PUBLIC_URL=https://<the proxy>` (and what its README adds for a proxy), plain HTTP behind it;
// the browser goes through the proxy. The login completes, the redirect URI and every redirect use
// the public origin (a declined login's too), and every cookie is `Secure` (a `__Host-` one also
// host-only on `/`).

let session: BrowserSession;

beforeAll(async () => {
  session = await openBrowserFor(SURFACES, 'behind-a-proxy');
}, 300_000);

afterAll(async () => {
  await session?.close();
});

/** A `Set-Cookie` line's name and attributes (lower-cased names, values as sent). */
function parseSetCookie(line: string): { name: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = line.split(';');
  const attributes = new Map<string, string>();
  for (const attribute of rest) {
    const index = attribute.indexOf('=');
    const key = (index === -1 ? attribute : attribute.slice(0, index)).trim().toLowerCase();
    attributes.set(key, index === -1 ? '' : attribute.slice(index + 1).trim());
  }
  return { name: pair.slice(0, pair.indexOf('=')).trim(), attributes };
}

/** Why a cookie set over https is not what it should be there, or `undefined`. */
function cookieProblem(line: string): string | undefined {
  const { name, attributes } = parseSetCookie(line);
  const expires = attributes.get('expires');
  const deleted =
    attributes.get('max-age') === '0' ||
    (expires !== undefined && Date.parse(expires) < Date.now());
  if (deleted) return undefined;
  if (!attributes.has('secure')) return `${name} is not Secure`;
  if (name.startsWith('__Host-') && (attributes.has('domain') || attributes.get('path') !== '/')) {
    return `${name} is not host-only on /`;
  }
  return undefined;
}

// One case at a time: each is an emulator, an app and a browser, and several at once on two
// cores slow the provider past the apps' request timeouts.
describe('behind a TLS-terminating proxy', () => {
  it.each(SURFACES)(
    '$name: logs in on the public https origin, redirects only there (a declined login too), sets only Secure cookies',
    async (surface) => {
      const port = await freePort();
      const publicUrl = `https://127.0.0.1:${port}`;
      const wired = await startWithEmulator(surface, {
        publicUrl,
        ...(surface.behindProxy === undefined ? {} : { env: surface.behindProxy }),
      });
      const proxy = await startTlsProxy(port, wired.child.url);
      const origins = [publicUrl, wired.emulator.url];
      const context = await session.browser.newContext({ ignoreHTTPSErrors: true });
      await confine(context, () => origins);
      try {
        const page = await context.newPage();
        const navigations: string[] = [];
        const cookieProblems: string[] = [];
        const reading: Promise<void>[] = [];
        page.on('request', (request) => {
          if (request.isNavigationRequest()) navigations.push(request.url());
        });
        page.on('response', (response: Response) => {
          if (new URL(response.url()).origin !== publicUrl) return;
          reading.push(
            response.headersArray().then((headers) => {
              for (const { name, value } of headers) {
                if (name.toLowerCase() !== 'set-cookie') continue;
                const problem = cookieProblem(value);
                if (problem !== undefined) cookieProblems.push(`${problem} (${response.url()})`);
              }
            }),
          );
        });

        const journey = {
          origins,
          app: publicUrl,
          deadlineMs: JOURNEY_DEADLINE_MS,
          stay: true,
          ...(surface.passesThrough === undefined ? {} : { passesThrough: surface.passesThrough }),
        };
        await drive(page, loginUrl(surface, publicUrl, '/orders'), journey);
        // At the emulator: alice signs in, then allows; the journey follows her back.
        await page.click('#signin-user-alice');
        await page.locator('#consent-form').waitFor();
        const back = await drive(page, () => page.click('#consent-allow'), journey);
        expect(
          back.hops.at(-1),
          `the login ended here: ${JSON.stringify(back.hops)} ${back.text.slice(0, 300)}`,
        ).toEqual({ url: `${publicUrl}/orders`, status: 200 });
        await expect(signedInAs(context.request, publicUrl)).resolves.toBe('alice');
        await Promise.all(reading);

        const authorization = navigations.find((url) => url.startsWith(wired.emulator.url));
        expect(
          new URL(authorization ?? 'http://none').searchParams.get('redirect_uri'),
          'the redirect URI',
        ).toBe(`${publicUrl}${surface.callbackPath}`);
        expect(
          navigations.filter((url) => !origins.includes(new URL(url).origin)),
          'pages outside the public origin and the provider',
        ).toEqual([]);
        expect(cookieProblems, 'cookies set over https').toEqual([]);
        const insecure = (await context.cookies(publicUrl)).filter((cookie) => !cookie.secure);
        expect(
          insecure.map((cookie) => cookie.name),
          'cookies the browser holds',
        ).toEqual([]);

        // A declined login: its page is on the public origin too.
        await context.clearCookies();
        await drive(page, loginUrl(surface, publicUrl), journey);
        await page.click('#signin-user-alice');
        await page.locator('#consent-form').waitFor();
        const declined = await drive(page, () => page.click('#consent-deny'), journey);
        const last = declined.hops.at(-1);
        expect(
          { left: declined.left, origin: last && new URL(last.url).origin },
          `a declined login ended here: ${JSON.stringify(declined.hops)}`,
        ).toEqual({ left: [], origin: publicUrl });
        expect(last?.status).toBeLessThan(500);
      } finally {
        await context.close();
        await proxy.close();
        await wired.stop();
      }
    },
  );
});
