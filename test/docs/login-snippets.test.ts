import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import {
  defaultConfig,
  generateSigningKey,
  type RunningEmulator,
  startEmulator,
} from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signInAtEmulator } from '../support/sign-in.js';
import { stagedFetch } from '../support/staged-fetch.js';

// The login snippets of the neverlose-oidc and passport-neverlose READMEs are whole files, written
// for production: the issuer is https://neverlose.cc (NEVERLOSE_ISSUER unset), the app
// https://app.example (PUBLIC_URL) behind a TLS-terminating proxy. They run here as written: the
// emulator stands for neverlose.cc, each app listens on a free port and stands for app.example,
// and `fetch` (the apps', this test's browser) reaches them on loopback, with the
// X-Forwarded-Proto: https the proxy would add. test/first-hour runs them from the packed
// tarballs against the emulator's own URL, behind a real TLS proxy, in Chromium.

const NEVERLOSE = 'https://neverlose.cc';
const APP = 'https://app.example';
const CALLBACK = `${APP}/auth/neverlose/callback`;

let emulator: RunningEmulator;
let appOrigin: string | undefined;

beforeAll(async () => {
  emulator = await startEmulator({
    publicUrl: NEVERLOSE,
    signingKey: await generateSigningKey(),
    config: defaultConfig({ redirectUris: [CALLBACK] }),
  });
  vi.stubGlobal(
    'fetch',
    stagedFetch(() => ({ [NEVERLOSE]: `http://127.0.0.1:${emulator.port}`, [APP]: appOrigin })),
  );
  vi.stubEnv('NEVERLOSE_CLIENT_ID', 'emulator-client');
  vi.stubEnv('NEVERLOSE_CLIENT_SECRET', 'emulator-secret');
  vi.stubEnv('PUBLIC_URL', APP);
  vi.stubEnv('PORT', '0');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await emulator?.stop();
});

/** The login cookie of a `Set-Cookie` list: its name, value and attributes. */
function loginCookieOf(setCookies: string[]): string | undefined {
  return setCookies.find((line) => line.startsWith('__Host-nl_login.'));
}

describe('neverlose-oidc: snippets/quick-start.ts, as written', () => {
  type QuickStart = {
    login(request: Request): Promise<Response>;
    callback(request: Request): Promise<Response>;
  };
  let app: QuickStart;
  beforeAll(async () => {
    app = (await import('../../packages/oidc/snippets/quick-start.js')) as QuickStart;
  });

  /** Starts a login: the authorization URL and the browser's Cookie header. */
  async function start(returnTo = '/orders') {
    const started = await app.login(new Request(`${APP}/auth/neverlose?returnTo=${returnTo}`));
    expect(started.status).toBe(302);
    const cookie = loginCookieOf(started.headers.getSetCookie());
    expect(cookie).toMatch(
      /^__Host-nl_login\.[\w-]{43}=[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
    return {
      authorization: started.headers.get('location') ?? '',
      cookie: (cookie ?? '').split(';')[0] as string,
    };
  }

  it('logs alice in, binding the login to the browser that started it', async () => {
    const { authorization, cookie } = await start();
    expect(authorization.startsWith(`${NEVERLOSE}/oauth2/authorize?`)).toBe(true);
    const callback = await signInAtEmulator(authorization, 'alice');
    expect(callback.startsWith(`${CALLBACK}?`)).toBe(true);
    const done = await app.callback(new Request(callback, { headers: { cookie } }));
    expect(done.status).toBe(200);
    expect(await done.text()).toBe('Signed in as alice; next: /orders');
    expect(done.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^__Host-nl_login\.[\w-]+=; Max-Age=0/),
    ]);
  });

  it("signs nobody in with the attacker's callback in another browser, and leaves it to the attacker's", async () => {
    const { authorization, cookie } = await start();
    const callback = await signInAtEmulator(authorization, 'bob');
    const victim = await app.callback(new Request(callback));
    expect(victim.status).toBe(400);
    expect(await victim.text()).toContain('ERR_TRANSACTION_MISSING');
    const attacker = await app.callback(new Request(callback, { headers: { cookie } }));
    expect(await attacker.text()).toMatch(/^Signed in as bob/);
  });

  it('answers a provider failure with 502, and a hostile returnTo with 400', async () => {
    const { authorization, cookie } = await start();
    const callback = await signInAtEmulator(authorization, 'alice');
    emulator.addFault({ path: '/oauth2/token', kind: 'error5xx', status: 500, count: 1 });
    const failed = await app.callback(new Request(callback, { headers: { cookie } }));
    expect(failed.status).toBe(502);
    const hostile = await app.login(new Request(`${APP}/auth/neverlose?returnTo=//evil.example`));
    expect(hostile.status).toBe(400);
  });
});

/** What every Passport app snippet does besides its login: the checks both run. */
function passportAppChecks(): void {
  it("signs nobody in with the attacker's callback in another browser", async () => {
    const attacker = new UserAgent();
    const authorization = await locationOf(await attacker.get(`${APP}/auth/neverlose`));
    const callback = await signInAtEmulator(authorization, 'bob');
    const victim = new UserAgent();
    expect(await locationOf(await victim.get(callback))).toBe('/');
    expect(await (await victim.get(`${APP}/`)).text()).toContain('Log in');
    await attacker.get(callback);
    expect(await (await attacker.get(`${APP}/`)).text()).toContain('Signed in as bob');
  });

  it('answers a provider failure with a 502 page, not a 500', async () => {
    const browser = new UserAgent();
    const authorization = await locationOf(await browser.get(`${APP}/auth/neverlose`));
    const callback = await signInAtEmulator(authorization, 'alice');
    emulator.addFault({ path: '/oauth2/token', kind: 'error5xx', status: 500, count: 1 });
    const failed = await browser.get(callback);
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('ERR_TOKEN_EXCHANGE_FAILED');
  });
}

describe('passport-neverlose: snippets/express-routes.ts (Express, with logout), as written', () => {
  let server: Server;
  beforeAll(async () => {
    vi.stubEnv('SESSION_SECRET', randomBytes(32).toString('base64url'));
    ({ server } = (await import('../../packages/passport/snippets/express-routes.js')) as {
      server: Server;
    });
    if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
    appOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    appOrigin = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('logs alice in, shows her, and logs her out with the session’s token', async () => {
    const browser = new UserAgent();
    const start = await browser.get(`${APP}/auth/neverlose?returnTo=/`);
    const authorization = await locationOf(start);
    expect(authorization.startsWith(`${NEVERLOSE}/oauth2/authorize?`)).toBe(true);
    expect(start.headers.getSetCookie().join()).toMatch(/__Host-session=.*; Secure/);
    const done = await browser.get(await signInAtEmulator(authorization, 'alice'));
    expect(await locationOf(done)).toBe('/');
    const home = await (await browser.get(`${APP}/`)).text();
    expect(home).toContain('Signed in as alice');
    const csrf = /name="csrf" value="([\w-]+)"/.exec(home)?.[1] ?? '';

    const forged = await browser.request(`${APP}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=forged',
    });
    expect(forged.status).toBe(403);
    const out = await browser.request(`${APP}/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${csrf}`,
    });
    expect(out.status).toBe(303);
    expect(await (await browser.get(`${APP}/`)).text()).toContain('Log in');
  });

  passportAppChecks();
});

describe('passport-neverlose: snippets/fastify.ts (@fastify/passport, @fastify/secure-session), as written', () => {
  let app: { server: Server; close(): Promise<unknown> };
  beforeAll(async () => {
    vi.stubEnv('SESSION_KEY', randomBytes(32).toString('base64'));
    ({ app } = (await import('../../packages/passport/snippets/fastify.js')) as {
      app: { server: Server; close(): Promise<unknown> };
    });
    appOrigin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    appOrigin = undefined;
    await app.close();
  });

  it('logs alice in, back to returnTo', async () => {
    const browser = new UserAgent();
    const start = await browser.get(`${APP}/auth/neverlose?returnTo=%2F%3Fwelcome`);
    const done = await browser.get(await signInAtEmulator(await locationOf(start), 'alice'));
    expect(await locationOf(done)).toBe('/?welcome');
    expect(await (await browser.get(`${APP}/`)).text()).toBe('Signed in as alice');
  });

  passportAppChecks();
});
