import { randomBytes } from 'node:crypto';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../support/program.js';
import { createReadmeApp, type ReadmeApp, readmeFile } from '../support/readme-app.js';
import { signInAtEmulator } from '../support/sign-in.js';

// The framework snippets of neverlose-oidc's README, cut out of README.md and run as a user runs
// them against neverlose-emulator: Hono and better-auth are whole programs, run with
// `node --env-file=.env` (their types stripped, as Node 22.18+ does with a .ts file); the Auth.js
// configuration is mounted with @auth/express, as its last lines say. Each ends signed in, in a
// browser without a window (cookies, one redirect at a time). The next-auth snippet runs in a
// Next.js app: test/e2e/next-auth-snippet.test.ts.
const README = 'packages/oidc/README.md';
const CLIENT = { id: 'emulator-client', secret: 'emulator-secret' };

let emulator: RunningEmulator;
const apps: ReadmeApp[] = [];
const programs: Program[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await Promise.allSettled(programs.map((program) => program.stop()));
  for (const app of apps) app.remove();
  await emulator?.stop();
});

/** The variables the Hono and better-auth snippets read to reach the emulator. */
function neverloseEnv(): Record<string, string> {
  return {
    NEVERLOSE_CLIENT_ID: CLIENT.id,
    NEVERLOSE_CLIENT_SECRET: CLIENT.secret,
    NEVERLOSE_ISSUER: emulator.url,
    NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
  };
}

/** A new app folder, removed after the file's tests. */
function newApp(name: string): ReadmeApp {
  const app = createReadmeApp(`neverlose-readme-${name}`);
  apps.push(app);
  return app;
}

/** Starts `file` of `app` on `port`; the emulator accepts its callback. */
async function start(
  app: ReadmeApp,
  file: string,
  port: number,
  callbackPath: string,
  env: Record<string, string>,
): Promise<string> {
  const origin = `http://127.0.0.1:${port}`;
  emulator.reset(defaultConfig({ redirectUris: [`${origin}${callbackPath}`] }));
  const program = await app.start(file, { env: { PORT: String(port), ...env }, port });
  programs.push(program);
  return origin;
}

/** From a URL of the app that leads to the emulator: alice signs in and allows; the callback URL. */
async function signInAsAlice(browser: UserAgent, url: string, origin: string) {
  const authorization =
    new URL(url).origin === origin ? await browser.followUntilLeaving(url, origin) : url;
  expect(new URL(authorization).origin).toBe(emulator.url);
  return signInAtEmulator(authorization, 'alice');
}

describe("neverlose-oidc's README framework snippets, run as written against the emulator", () => {
  it('Hono on Node (snippets/hono.ts): node --env-file=.env server.ts signs alice in and out', async () => {
    const app = newApp('hono');
    await app.writeTypeScript('server.ts', readmeFile(README, 'hono.ts'));
    const port = await freePort();
    const origin = await start(app, 'server.ts', port, '/auth/neverlose/callback', {
      ...neverloseEnv(),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
    const browser = new UserAgent();
    const callback = await signInAsAlice(browser, `${origin}/account`, origin);
    expect(await locationOf(await browser.get(callback))).toBe(`${origin}/account`);
    const account = await browser.get(`${origin}/account`);
    expect(await account.json()).toMatchObject({ id: '1', username: 'alice' });

    // Its sign-out form, as the home page draws it.
    const home = await (await browser.get(`${origin}/`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(home)?.[1] ?? '';
    const out = await browser.request(`${origin}/auth/neverlose/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf }).toString(),
    });
    expect(out.status).toBe(303);
    expect((await browser.get(`${origin}/account`)).status).toBe(302);
  });

  it('better-auth (snippets/better-auth.ts): node --env-file=.env server.ts signs alice in', async () => {
    const app = newApp('better-auth');
    await app.writeTypeScript('server.ts', readmeFile(README, 'better-auth.ts'));
    const port = await freePort();
    const origin = await start(app, 'server.ts', port, '/api/auth/callback/neverlose', {
      ...neverloseEnv(),
      BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_PATH: `${app.dir}/auth.db`,
    });
    const browser = new UserAgent();
    // What authClient.signIn.social({ provider: 'neverlose' }) sends.
    const signIn = await browser.request(`${origin}/api/auth/sign-in/social`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ provider: 'neverlose', callbackURL: '/account' }),
    });
    const { url } = (await signIn.json()) as { url: string };
    expect(new URL(url).origin).toBe(emulator.url);
    const callback = await signInAtEmulator(url, 'alice');
    expect(await locationOf(await browser.get(callback))).toBe('/account');
    const session = (await (await browser.get(`${origin}/api/auth/get-session`)).json()) as {
      user: { name: string; email: string };
    };
    expect(session.user).toMatchObject({ name: 'alice', email: 'alice@example.test' });
  });

  it('Auth.js (snippets/authjs.ts) mounted with @auth/express as it says: signs alice in', async () => {
    const app = newApp('authjs');
    await app.writeTypeScript('auth.ts', readmeFile(README, 'authjs.ts'));
    // The smallest Express app that holds it: its last lines say how to mount it.
    await app.writeTypeScript(
      'server.ts',
      [
        "import { ExpressAuth, getSession } from '@auth/express';",
        "import express from 'express';",
        "import { authConfig } from './auth.js';",
        'const app = express();',
        "app.use('/auth', ExpressAuth(authConfig));",
        "app.get('/account', async (req, res) => res.json(await getSession(req, authConfig)));",
        'app.listen(Number(process.env.PORT));',
      ].join('\n'),
    );
    const port = await freePort();
    const origin = await start(app, 'server.ts', port, '/auth/callback/neverlose', {
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      AUTH_TRUST_HOST: 'true',
      AUTH_NEVERLOSE_ID: CLIENT.id,
      AUTH_NEVERLOSE_SECRET: CLIENT.secret,
      AUTH_NEVERLOSE_ISSUER: emulator.url,
      AUTH_NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
    });
    const browser = new UserAgent();
    const { csrfToken } = (await (await browser.get(`${origin}/auth/csrf`)).json()) as {
      csrfToken: string;
    };
    const signIn = await browser.request(`${origin}/auth/signin/neverlose`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrfToken, callbackUrl: `${origin}/account` }).toString(),
    });
    const callback = await signInAsAlice(browser, await locationOf(signIn), origin);
    expect(await locationOf(await browser.get(callback))).toBe(`${origin}/account`);
    const session = (await (await browser.get(`${origin}/account`)).json()) as {
      user: { name: string };
      neverlose: { username: string };
    };
    expect(session).toMatchObject({ user: { name: 'alice' }, neverlose: { username: 'alice' } });
  });
});
