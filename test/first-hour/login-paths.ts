import { randomBytes } from 'node:crypto';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import type { BrowserContext, Page } from 'playwright-core';
import { signInAtEmulatorPage } from '../support/browser.js';
import { NEXT_APP_FILES, NEXT_AUTH_README_FILES } from '../support/next-app.js';
import type { Program } from '../support/program.js';
import type { ReadmeApp } from '../support/readme-app.js';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy.js';
import type { InstallSection } from './app.js';

// The login paths of the READMEs, each followed as a newcomer does: the README's files saved in a
// folder of the app, the variables its README introduces set to the emulator's values, the app
// started as the README runs it, and alice signed in through the emulator's pages in Chromium.
// The files written for production (https only: Secure cookies) run behind a TLS-terminating
// proxy, on an https origin; the others on http://127.0.0.1, as on a developer's machine.

/** What a path is given. */
export interface LoginContext {
  /** The path's folder in the installed app, its README files already saved there. */
  readonly app: ReadmeApp;
  readonly emulatorUrl: string;
  /** Registers a redirect URI with the emulator's client while it runs, as its README says. */
  register(uri: string): Promise<void>;
  /**
   * A page in a fresh browser profile, confined to loopback, accepting the TLS proxy's
   * self-signed certificate.
   */
  newPage(): Promise<{ page: Page; cookies: BrowserContext }>;
  /** Keeps a program or proxy to stop after the path. */
  keep(running: Program | TlsProxy): void;
}

/** One README path that ends signed in. */
export interface LoginPath extends InstallSection {
  readonly name: string;
  readonly readme: string;
  /** The README files of the path: where the user saves each (`server.ts`) and which block it is. */
  readonly files: Readonly<Record<string, string>>;
  /**
   * The few lines a user writes around the files where the README says what they are (mounting
   * a configuration, a Next.js layout): never a README file.
   */
  readonly glue?: Readonly<Record<string, string>>;
  /** Checked by `next build`, not by the test's `tsc`. */
  readonly buildsItself?: boolean;
  /** Runs the path; resolves with what the signed-in page says. */
  run(context: LoginContext): Promise<string>;
}

const OIDC = 'packages/oidc/README.md';
const PASSPORT = 'packages/passport/README.md';

/** The variables the READMEs' `.env` sets for the emulator (its URL and the app's port here). */
function neverloseEnv(emulatorUrl: string, publicUrl: string, port: number) {
  return {
    NEVERLOSE_CLIENT_ID: 'emulator-client',
    NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
    NEVERLOSE_ISSUER: emulatorUrl,
    NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
    PUBLIC_URL: publicUrl,
    PORT: String(port),
  };
}

const secret = () => randomBytes(32).toString('base64');

/** An origin for an app on http://127.0.0.1, its callback registered with the emulator. */
async function onLoopback(context: LoginContext, callbackPath: string) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await context.register(`${origin}${callbackPath}`);
  return { port, origin };
}

/**
 * An https origin for an app: a TLS-terminating proxy (X-Forwarded-Proto: https) in front of the
 * port the app listens on, the callback on that origin registered with the emulator.
 */
async function behindTls(context: LoginContext, callbackPath: string) {
  const [port, publicPort] = [await freePort(), await freePort()];
  const origin = `https://127.0.0.1:${publicPort}`;
  await context.register(`${origin}${callbackPath}`);
  context.keep(await startTlsProxy(publicPort, `http://127.0.0.1:${port}`));
  return { port, origin };
}

/** The text of the page once `page` is at `url` (a full URL, or a test of one). */
async function textAt(page: Page, url: string | ((url: URL) => boolean)): Promise<string> {
  await page.waitForURL(url);
  return (await page.locator('body').textContent()) ?? '';
}

function expectText(text: string, wanted: string | RegExp, where: string): string {
  const found = typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text);
  if (!found) throw new Error(`${where}: expected ${wanted}, the page says: ${text.slice(0, 500)}`);
  return text;
}

export const loginPaths: readonly LoginPath[] = [
  {
    name: 'the core quick start (neverlose-oidc): served with @hono/node-server, behind TLS',
    readme: OIDC,
    section: 'Install',
    files: { 'quick-start.ts': 'quick-start.ts' },
    glue: {
      // What the README says after the file: login on GET /auth/neverlose, callback on its path.
      'server.ts': [
        "import { serve } from '@hono/node-server';",
        "import { callback, login } from './quick-start.js';",
        '',
        'serve({',
        '  fetch: (request) =>',
        "    new URL(request.url).pathname === '/auth/neverlose/callback' ? callback(request) : login(request),",
        '  port: Number(process.env.PORT),',
        '});',
        '',
      ].join('\n'),
    },
    async run(context) {
      const { port, origin } = await behindTls(context, '/auth/neverlose/callback');
      context.keep(
        await context.app.start('server.ts', {
          env: neverloseEnv(context.emulatorUrl, origin, port),
          port,
        }),
      );
      const { page } = await context.newPage();
      const loginCookies: string[] = [];
      page.on('response', async (response) => {
        if (new URL(response.url()).pathname !== '/auth/neverlose') return;
        loginCookies.push(...((await response.headerValue('set-cookie')) ?? '').split('\n'));
      });
      await page.goto(`${origin}/auth/neverlose?returnTo=/orders`);
      await signInAtEmulatorPage(page, 'alice');
      const text = await textAt(page, (url) => url.pathname === '/auth/neverlose/callback');
      if (!loginCookies.some((line) => /^__Host-nl_login\.[\w-]+=.*; Secure/.test(line)))
        throw new Error(`no __Host- Secure login cookie: ${loginCookies}`);
      return expectText(text, 'Signed in as alice; next: /orders', 'the callback');
    },
  },
  {
    name: 'Express with passport-neverlose (the production file, with logout), behind TLS',
    readme: PASSPORT,
    section: 'Install',
    files: { 'server.ts': 'express-routes.ts' },
    async run(context) {
      const { port, origin } = await behindTls(context, '/auth/neverlose/callback');
      context.keep(
        await context.app.start('server.ts', {
          env: { ...neverloseEnv(context.emulatorUrl, origin, port), SESSION_SECRET: secret() },
          port,
        }),
      );
      const { page, cookies } = await context.newPage();
      await page.goto(`${origin}/`);
      await page.click('a[href="/auth/neverlose"]');
      await signInAtEmulatorPage(page, 'alice');
      const text = await textAt(page, `${origin}/`);
      expectText(text, 'Signed in as alice', 'the home page');
      const session = (await cookies.cookies(origin)).find((c) => c.name === '__Host-session');
      if (!session?.secure || !session.httpOnly) throw new Error('no Secure __Host-session cookie');
      await page.click('text=Log out');
      await page.locator('a[href="/auth/neverlose"]').waitFor();
      return text.trim();
    },
  },
  {
    name: 'Express with passport-neverlose (the emulator file), on http://127.0.0.1',
    readme: PASSPORT,
    section: 'Install',
    files: { 'server.ts': 'local-emulator.ts' },
    async run(context) {
      const { port, origin } = await onLoopback(context, '/auth/neverlose/callback');
      context.keep(
        await context.app.start('server.ts', {
          env: {
            NEVERLOSE_ISSUER: context.emulatorUrl,
            PORT: String(port),
            SESSION_SECRET: secret(),
          },
          port,
        }),
      );
      const { page } = await context.newPage();
      await page.goto(`${origin}/`);
      expectText(await textAt(page, `${origin}/`), 'Log in at /auth/neverlose', 'signed out');
      await page.goto(`${origin}/auth/neverlose`);
      await signInAtEmulatorPage(page, 'alice');
      const text = await textAt(page, `${origin}/`);
      return expectText(text, 'Signed in as alice', 'the home page');
    },
  },
  {
    name: 'Fastify with passport-neverlose and @fastify/secure-session, behind TLS',
    readme: PASSPORT,
    section: 'Fastify',
    files: { 'server.ts': 'fastify.ts' },
    async run(context) {
      const { port, origin } = await behindTls(context, '/auth/neverlose/callback');
      context.keep(
        await context.app.start('server.ts', {
          env: { ...neverloseEnv(context.emulatorUrl, origin, port), SESSION_KEY: secret() },
          port,
        }),
      );
      const { page } = await context.newPage();
      await page.goto(`${origin}/auth/neverlose?returnTo=%2F`);
      await signInAtEmulatorPage(page, 'alice');
      const text = await textAt(page, `${origin}/`);
      return expectText(text, 'Signed in as alice', 'the home page');
    },
  },
  {
    name: 'Hono on Node (neverlose-oidc/hono): signed in, then out',
    readme: OIDC,
    section: 'Hono',
    files: { 'server.ts': 'hono.ts' },
    async run(context) {
      const { port, origin } = await onLoopback(context, '/auth/neverlose/callback');
      context.keep(
        await context.app.start('server.ts', {
          env: { ...neverloseEnv(context.emulatorUrl, origin, port), SESSION_SECRET: secret() },
          port,
        }),
      );
      const { page } = await context.newPage();
      await page.goto(`${origin}/account`);
      await signInAtEmulatorPage(page, 'alice');
      const text = await textAt(page, `${origin}/account`);
      expectText(text, '"username":"alice"', '/account');
      await page.goto(`${origin}/`);
      await page.click('text=Log out');
      await page.locator('a[href="/auth/neverlose"]').waitFor();
      return text;
    },
  },
  {
    name: 'better-auth with the neverlose plugin, on SQLite',
    readme: OIDC,
    section: 'better-auth',
    files: { 'server.ts': 'better-auth.ts' },
    async run(context) {
      const { port, origin } = await onLoopback(context, '/api/auth/callback/neverlose');
      context.keep(
        await context.app.start('server.ts', {
          env: { ...neverloseEnv(context.emulatorUrl, origin, port), BETTER_AUTH_SECRET: secret() },
          port,
        }),
      );
      const { page, cookies } = await context.newPage();
      await page.goto(`${origin}/api/auth/ok`);
      // What authClient.signIn.social({ provider: 'neverlose' }) does in the page.
      const url = await page.evaluate(async () => {
        const response = await fetch('/api/auth/sign-in/social', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider: 'neverlose', callbackURL: '/account' }),
        });
        return ((await response.json()) as { url: string }).url;
      });
      await page.goto(url);
      // Back on callbackURL, which this server leaves to the app around it (a 404 here): the
      // session is what the browser's cookie opens.
      const landed = page.waitForResponse(`${origin}/account`);
      await signInAtEmulatorPage(page, 'alice');
      await landed;
      const session = await cookies.request.get(`${origin}/api/auth/get-session`);
      return expectText(await session.text(), '"name":"alice"', 'the session');
    },
  },
  {
    name: 'Auth.js (neverlose-oidc/authjs) mounted with @auth/express',
    readme: OIDC,
    section: 'Auth.js',
    files: { 'auth.ts': 'authjs.ts' },
    glue: {
      // What the configuration's last lines say: `app.use('/auth', ExpressAuth(authConfig))`.
      'server.ts': [
        "import { ExpressAuth } from '@auth/express';",
        "import express from 'express';",
        "import { authConfig } from './auth.js';",
        '',
        'const app = express();',
        "app.use('/auth', ExpressAuth(authConfig));",
        'app.listen(Number(process.env.PORT));',
        '',
      ].join('\n'),
    },
    async run(context) {
      const { port, origin } = await onLoopback(context, '/auth/callback/neverlose');
      context.keep(
        await context.app.start('server.ts', {
          env: {
            AUTH_SECRET: secret(),
            AUTH_TRUST_HOST: 'true',
            AUTH_NEVERLOSE_ID: 'emulator-client',
            AUTH_NEVERLOSE_SECRET: 'emulator-secret',
            AUTH_NEVERLOSE_ISSUER: context.emulatorUrl,
            AUTH_NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
            PORT: String(port),
          },
          port,
        }),
      );
      const { page } = await context.newPage();
      await page.goto(`${origin}/auth/signin`);
      await page.click('button:has-text("Neverlose")');
      await signInAtEmulatorPage(page, 'alice');
      await page.waitForURL((url) => url.origin === origin && !url.pathname.includes('callback'));
      await page.goto(`${origin}/auth/session`);
      const text = await textAt(page, `${origin}/auth/session`);
      return expectText(text, /"neverlose":\{[^}]*"username":"alice"/, 'the session');
    },
  },
  {
    name: 'Next.js with next-auth v4 (neverlose-oidc/next-auth): next build without secrets',
    readme: OIDC,
    section: 'next-auth v4',
    files: NEXT_AUTH_README_FILES,
    buildsItself: true,
    // What create-next-app makes, and a page that shows the README's currentUser().
    glue: NEXT_APP_FILES,
    async run(context) {
      const { port, origin } = await onLoopback(context, '/api/auth/callback/neverlose');
      const { NEVERLOSE_CLIENT_ID, NEVERLOSE_CLIENT_SECRET, NEVERLOSE_ISSUER } = neverloseEnv(
        context.emulatorUrl,
        origin,
        port,
      );
      context.keep(
        await context.app.start(nextBin(context.app), {
          env: {
            NEXT_TELEMETRY_DISABLED: '1',
            NEXTAUTH_URL: origin,
            NEXTAUTH_SECRET: secret(),
            NEVERLOSE_CLIENT_ID,
            NEVERLOSE_CLIENT_SECRET,
            NEVERLOSE_ISSUER,
            NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
          },
          port,
          args: ['start', '-p', String(port), '-H', '127.0.0.1'],
        }),
      );
      const { page } = await context.newPage();
      await page.goto(`${origin}/`);
      expectText(await textAt(page, `${origin}/`), 'Signed out', 'the page before');
      await page.goto(`${origin}/api/auth/signin`);
      await page.click('button:has-text("Neverlose")');
      await signInAtEmulatorPage(page, 'alice');
      const text = await textAt(page, `${origin}/`);
      return expectText(text, 'Signed in as alice', 'the page after');
    },
  },
];

/** Next.js's command line, in the app's `node_modules`. */
export function nextBin(app: ReadmeApp): string {
  return `${app.nodeModules}/next/dist/bin/next`;
}
