import { randomBytes } from 'node:crypto';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtEmulator } from '../support/sign-in.js';
import { LOGIN_EXAMPLES } from './login-examples.js';

// Behind a TLS-terminating proxy the example sees plain HTTP from the proxy, at whatever Host the
// proxy uses. PUBLIC_URL (the `publicUrl` option) alone decides the redirect URI, every redirect
// and the cookies' Secure flag and __Host- prefix: requests here come straight to the app over
// plain HTTP, with no X-Forwarded-* header, and nothing of them may leak into what it answers.

const PUBLIC_URL = 'https://app.example';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    config: defaultConfig({
      redirectUris: [`${PUBLIC_URL}/auth/neverlose/callback`, `${PUBLIC_URL}/callback`],
    }),
  });
});
afterAll(() => emulator?.stop());

/** Every cookie a response sets, and each one's attributes. */
function cookiesOf(response: Response): { name: string; attributes: string[] }[] {
  return response.headers.getSetCookie().map((line) => {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    return { name: pair.slice(0, pair.indexOf('=')), attributes };
  });
}

describe.each(LOGIN_EXAMPLES)('$name with PUBLIC_URL=https://app.example', (example) => {
  it('puts the public origin in the redirect URI and every redirect, and sets Secure __Host- cookies', async () => {
    const app = await example.start({
      issuer: emulator.issuer,
      sessionSecret: randomBytes(32).toString('base64url'),
      publicUrl: PUBLIC_URL,
    });
    try {
      const browser = new UserAgent();
      const seen: Response[] = [];
      const get = async (url: string) => {
        const response = await browser.get(url);
        seen.push(response);
        return response;
      };
      // A protected page: the app sends the visitor through the login.
      const protectedPage = await get(`${app.url}/orders`);
      const toLogin = await locationOf(protectedPage);
      expect(toLogin).toMatch(new RegExp(`^(?:${PUBLIC_URL})?${example.loginPath}\\?returnTo=`));
      const start = await get(
        `${app.url}${new URL(toLogin, PUBLIC_URL).pathname}${new URL(toLogin, PUBLIC_URL).search}`,
      );
      const authorization = new URL(await locationOf(start));
      expect(authorization.searchParams.get('redirect_uri')).toBe(
        `${PUBLIC_URL}${example.callbackPath}`,
      );

      const callback = new URL(await signInAtEmulator(authorization.href, 'alice'));
      expect(callback.origin).toBe(PUBLIC_URL);
      const done = await get(`${app.url}${callback.pathname}${callback.search}`);
      expect(new URL(await locationOf(done), PUBLIC_URL).href).toBe(`${PUBLIC_URL}/orders`);
      const orders = await get(`${app.url}/orders`);
      expect(orders.status).toBe(200);

      for (const response of seen) {
        const location = response.headers.get('location');
        // Relative, or on the public origin (or the provider's): never the app's own address.
        if (location !== null && !location.startsWith(emulator.url)) {
          expect(new URL(location, PUBLIC_URL).origin).toBe(PUBLIC_URL);
        }
      }
      const cookies = seen.flatMap(cookiesOf);
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) {
        expect(cookie.name.startsWith('__Host-'), `${cookie.name} has the __Host- prefix`).toBe(
          true,
        );
        expect(cookie.attributes.map((a) => a.toLowerCase())).toEqual(
          expect.arrayContaining(['secure', 'httponly', 'path=/']),
        );
        expect(cookie.attributes.some((a) => /^domain=/i.test(a))).toBe(false);
      }
    } finally {
      await app.close();
    }
  });
});
