import { randomBytes } from 'node:crypto';
import { type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { startExample as startAuthjs } from 'neverlose-example-authjs-express';
import { startExample as startBetterAuth } from 'neverlose-example-better-auth';
import { startExample as startHono } from 'neverlose-example-hono';
import { buildExample, isBuilt, startExample as startNext } from 'neverlose-example-nextjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorOptions, type RunningApp } from './login-examples.js';

// Behind a TLS-terminating proxy an app receives plain HTTP on an inner address; PUBLIC_URL
// (`publicUrl`) alone decides the redirect URI, every redirect and the cookies' Secure flag and
// prefix. Each example runs here as such, its public origin https://app.example, over HTTP.
const PUBLIC = 'https://app.example';

interface Surface {
  readonly name: string;
  readonly start: (issuer: string) => Promise<RunningApp>;
  readonly callbackPath: string;
  /** Starts a login as its pages do: the answer that redirects to the provider. */
  readonly login: (app: string) => Promise<{ response: Response; cookies: string[] }>;
  /** A protected page a visitor without a session is sent away from. */
  readonly protectedPath: string;
  /** A callback the provider sends back with a refused consent. */
  readonly declinedPath?: string;
}

const options = (issuer: string) => ({
  ...emulatorOptions(issuer, randomBytes(32).toString('base64url')),
  publicUrl: PUBLIC,
});

async function getLogin(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  return { response, cookies: response.headers.getSetCookie() };
}

const SURFACES: readonly Surface[] = [
  {
    name: 'hono',
    start: (issuer) => startHono(options(issuer)),
    callbackPath: '/auth/neverlose/callback',
    login: (app) => getLogin(`${app}/auth/neverlose?returnTo=%2Forders`),
    protectedPath: '/orders',
  },
  {
    name: 'better-auth',
    start: (issuer) => startBetterAuth(options(issuer)),
    callbackPath: '/api/auth/callback/neverlose',
    login: (app) => getLogin(`${app}/login?returnTo=%2Forders`),
    protectedPath: '/orders',
  },
  {
    name: 'authjs-express',
    start: (issuer) => startAuthjs(options(issuer)),
    callbackPath: '/auth/callback/neverlose',
    login: (app) => getLogin(`${app}/login?returnTo=%2Forders`),
    protectedPath: '/orders',
    declinedPath: '/auth/callback/neverlose?error=access_denied&state=x',
  },
  {
    name: 'nextjs',
    start: async (issuer) => {
      if (!isBuilt()) await buildExample();
      return startNext(options(issuer));
    },
    callbackPath: '/api/auth/callback/neverlose',
    login: async (app) => {
      const csrf = await fetch(`${app}/api/auth/csrf`);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const jar = csrf.headers.getSetCookie();
      const response = await fetch(`${app}/api/auth/signin/neverlose`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: jar.map((line) => line.split(';')[0]).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ csrfToken, callbackUrl: `${PUBLIC}/orders` }),
      });
      return { response, cookies: [...jar, ...response.headers.getSetCookie()] };
    },
    protectedPath: '/orders',
    declinedPath: '/api/auth/callback/neverlose?error=access_denied&state=x',
  },
];

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(() => emulator?.stop());

/** A Location the browser resolves on the public origin: a path, or a URL on it or the provider's. */
function expectOnPublicOrigin(location: string | null): void {
  expect(location).not.toBeNull();
  const url = new URL(location as string, PUBLIC);
  expect([PUBLIC, emulator.url]).toContain(url.origin);
}

describe.each(SURFACES)('the $name example with PUBLIC_URL=https://app.example', (surface) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await surface.start(emulator.issuer);
  }, 300_000);
  afterAll(() => app?.close());

  it('sends the provider the public redirect URI and sets only Secure cookies', async () => {
    const { response, cookies } = await surface.login(app.url);
    expect(response.status).toBe(302);
    const authorization = new URL(response.headers.get('location') ?? '');
    expect(authorization.origin).toBe(emulator.url);
    expect(authorization.searchParams.get('redirect_uri')).toBe(`${PUBLIC}${surface.callbackPath}`);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/;\s*Secure/i);
      // A host-only cookie on https carries a prefix that no http page or sibling host can set.
      expect(cookie).toMatch(/^__(?:Host|Secure)-/);
    }
  });

  it('redirects a visitor without a session on the public origin', async () => {
    const response = await fetch(`${app.url}${surface.protectedPath}`, { redirect: 'manual' });
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).toBeLessThan(400);
    expectOnPublicOrigin(response.headers.get('location'));
  });

  it.skipIf(surface.declinedPath === undefined)(
    'sends a refused consent to its page on the public origin',
    async () => {
      const response = await fetch(`${app.url}${surface.declinedPath}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')?.startsWith(`${PUBLIC}/`)).toBe(true);
    },
  );
});
