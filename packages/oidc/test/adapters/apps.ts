// Each framework adapter as an app runs it, in this process: the framework's own request handler
// (Auth.js's `Auth`, next-auth v4's route as its Next.js handler builds it, better-auth's
// `handler`, a Hono app), the Neverlose provider of this package in it, and a browser (a cookie
// jar) to drive a login through its routes. The sweep (`core-checks.test.ts`) runs the same
// modules on every app.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Auth, type AuthConfig } from '@auth/core';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { Hono } from 'hono';
import type { AuthOptions } from 'next-auth';
import NeverloseAuthjs from '../../src/adapters/authjs/index.js';
import { neverlose as neverloseBetterAuth } from '../../src/adapters/better-auth/index.js';
import {
  type NeverloseEnv,
  neverloseAuth,
  requireNeverloseUser,
} from '../../src/adapters/hono/index.js';
import NeverloseNextAuth, {
  guardNextAuthRoute,
  type NextAuthRouteContext,
  sameOriginRedirect,
} from '../../src/adapters/next-auth/index.js';
import { createNeverloseClient } from '../../src/index.js';

/** The app's origin: every route of every app below is on it. */
export const ORIGIN = 'http://localhost:3000';

/** A request handler, as a framework answers one request. */
export type Handler = (request: Request) => Promise<Response>;

/**
 * A browser without a window over one app: its cookies kept (a deleted or emptied one dropped),
 * no redirect followed. Requests to another origin go to the network.
 */
export class Browser {
  readonly #cookies: Map<string, string>;
  readonly #app: Handler;

  constructor(app: Handler, cookies: Iterable<[string, string]> = []) {
    this.#app = app;
    this.#cookies = new Map(cookies);
  }

  /** Another browser with a copy of these cookies (a cookie jar copied by an attacker). */
  copy(): Browser {
    return new Browser(this.#app, this.#cookies);
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, ORIGIN);
    const headers = new Headers(init.headers);
    if (target.origin !== ORIGIN) return fetch(target, { ...init, redirect: 'manual' });
    if (this.#cookies.size > 0) {
      headers.set('cookie', [...this.#cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    }
    const response = await this.#app(new Request(target, { ...init, headers }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=(0|-\d+)\s*$/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  get(url: string | URL): Promise<Response> {
    return this.request(url);
  }

  /** POSTs a form, as a browser submits one. */
  postForm(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: new URLSearchParams(form).toString(),
    });
  }
}

/** What an adapter app is given: the provider, and the client registered there. */
export interface ProviderSetup {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The adapter's `timeout` option, in ms; its default when absent. */
  readonly timeout?: number;
}

/** One adapter, mounted in its framework as an app mounts it. */
export interface AdapterApp {
  readonly handle: Handler;
  /** The path Neverlose sends the browser back to. */
  readonly callbackPath: string;
  /** Every path of the adapter's routes (login, callback, session, sign-out, errors). */
  readonly routes: readonly string[];
  /**
   * Starts a login in `browser`, asking to end on `returnTo` (a path, or whatever an attacker
   * puts there): the framework's answer (a redirect to the provider, or a refusal).
   */
  start(browser: Browser, returnTo?: string): Promise<Response>;
  /** True when `browser` holds a session of the app. */
  signedIn(browser: Browser): Promise<boolean>;
  /** Signs `browser` out as the app's sign-out control does. */
  signOut(browser: Browser): Promise<Response>;
}

/** The framework's name and how to mount the adapter in it for one provider. */
export interface AdapterSurface {
  readonly name: 'authjs' | 'next-auth' | 'better-auth' | 'hono';
  create(provider: ProviderSetup): AdapterApp;
}

/** The provider options every adapter takes, from a provider that holds more. */
function providerOptions({ issuer, clientId, clientSecret, timeout }: ProviderSetup) {
  return {
    issuer,
    clientId,
    clientSecret,
    dangerouslyAllowInsecureHttp: true,
    ...(timeout === undefined ? {} : { timeout }),
  };
}

/**
 * Posts one of Auth.js's or next-auth's forms, as their pages do: their CSRF token fetched from
 * `<base>/csrf` (its cookie kept), then sent with the form to `<base>/<action>`.
 */
async function postWithCsrf(
  browser: Browser,
  base: string,
  action: string,
  form: Record<string, string> = {},
): Promise<Response> {
  const { csrfToken } = (await (await browser.get(`${base}/csrf`)).json()) as {
    csrfToken: string;
  };
  return browser.postForm(`${base}/${action}`, { csrfToken, ...form });
}

/** The routes of Auth.js and of next-auth (the same actions), under `base`. */
function authActions(base: string): Omit<AdapterApp, 'handle'> {
  const actions = ['signin', 'signin/neverlose', 'callback/neverlose', 'session', 'csrf'];
  return {
    callbackPath: `${base}/callback/neverlose`,
    routes: [...actions, 'providers', 'signout', 'error'].map((action) => `${base}/${action}`),
    start: (browser, returnTo = '/home') =>
      postWithCsrf(browser, base, 'signin/neverlose', { callbackUrl: returnTo }),
    async signedIn(browser) {
      const session = (await (await browser.get(`${base}/session`)).json()) as {
        user?: unknown;
      } | null;
      return session?.user !== undefined;
    },
    signOut: (browser) => postWithCsrf(browser, base, 'signout'),
  };
}

const quiet = { error: () => undefined, warn: () => undefined, debug: () => undefined };

/** `neverlose-oidc/authjs` on `@auth/core`, its routes under /auth (as `@auth/express` mounts it). */
export const authjs: AdapterSurface = {
  name: 'authjs',
  create(provider) {
    const config: AuthConfig = {
      secret: randomBytes(32).toString('base64url'),
      trustHost: true,
      basePath: '/auth',
      logger: quiet,
      providers: [NeverloseAuthjs(providerOptions(provider))],
    };
    const handle: Handler = (request) => Auth(request, config);
    return {
      handle,
      ...authActions('/auth'),
    };
  },
};

// next-auth v4's route handler for the App Router (`next-auth/next`) reads the request through
// next/headers, which only a running Next.js provides: its steps are taken here, with its own
// body parser and response builder, around its `AuthHandler`.
const fromNextAuth = createRequire(import.meta.resolve('next-auth'));
const nextAuthDir = dirname(fromNextAuth.resolve('next-auth'));
const { AuthHandler } = fromNextAuth(join(nextAuthDir, 'core/index.js')) as {
  AuthHandler(params: { req: unknown; options: AuthOptions }): Promise<unknown>;
};
const nextUtils = fromNextAuth(join(nextAuthDir, 'next/utils.js')) as {
  getBody(request: Request): Promise<Record<string, string> | undefined>;
  toResponse(internal: unknown): Response;
};

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** What `NextAuth(options)` (next-auth v4, `next-auth/next`) does with one request. */
async function nextAuthRoute(
  request: Request,
  context: NextAuthRouteContext,
  options: AuthOptions,
): Promise<Response> {
  const url = new URL(request.url);
  const { nextauth = [] } = await context.params;
  const query = Object.fromEntries(url.searchParams);
  const body = await nextUtils.getBody(request);
  // What next/headers' cookies() gives: each value percent-decoded.
  const cookies = Object.fromEntries(
    (request.headers.get('cookie') ?? '')
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair.includes('='))
      .map((pair) => [
        pair.slice(0, pair.indexOf('=')),
        decoded(pair.slice(pair.indexOf('=') + 1)),
      ]),
  );
  const internal = await AuthHandler({
    req: {
      body,
      query,
      cookies,
      headers: Object.fromEntries(request.headers),
      method: request.method,
      action: nextauth[0],
      providerId: nextauth[1],
      error: query['error'] ?? nextauth[1],
    },
    options,
  });
  return nextUtils.toResponse(internal);
}

/** `neverlose-oidc/next-auth` in next-auth v4, its routes under /api/auth (NEXTAUTH_URL set). */
export const nextAuth: AdapterSurface = {
  name: 'next-auth',
  create(provider) {
    const options: AuthOptions = {
      secret: randomBytes(32).toString('base64url'),
      providers: [NeverloseNextAuth(providerOptions(provider))],
      // As the README wires it: next-auth's default answers 500 to a callbackUrl like `\\host`.
      callbacks: { redirect: sameOriginRedirect },
      logger: quiet,
    };
    // As the README's route.ts serves it.
    const route = guardNextAuthRoute((request, context) =>
      nextAuthRoute(request, context, options),
    );
    const handle: Handler = (request) => {
      const nextauth = new URL(request.url).pathname.slice('/api/auth/'.length).split('/');
      return route(request, { params: Promise.resolve({ nextauth }) });
    };
    return {
      handle,
      ...authActions('/api/auth'),
    };
  },
};

/** `neverlose-oidc/better-auth` as a plugin of better-auth, its routes under /api/auth. */
export const betterAuthSurface: AdapterSurface = {
  name: 'better-auth',
  create(provider) {
    const auth = betterAuth({
      baseURL: ORIGIN,
      secret: randomBytes(32).toString('base64url'),
      database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
      logger: { disabled: true },
      telemetry: { enabled: false },
      // better-auth skips its origin and callbackURL checks when NODE_ENV is `test`: as in production.
      advanced: { disableOriginCheck: false },
      plugins: [neverloseBetterAuth({ ...providerOptions(provider), onError: () => undefined })],
    });
    return {
      handle: (request) => auth.handler(request),
      callbackPath: '/api/auth/callback/neverlose',
      routes: [
        '/api/auth/sign-in/social',
        '/api/auth/callback/neverlose',
        '/api/auth/get-session',
        '/api/auth/sign-out',
        '/api/auth/error',
      ],
      async start(browser, returnTo = '/home') {
        const start = await browser.request('/api/auth/sign-in/social', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: ORIGIN },
          body: JSON.stringify({ provider: 'neverlose', callbackURL: returnTo }),
        });
        if (start.status !== 200) return start;
        // The browser goes where better-auth's client is told to.
        const { url } = (await start.json()) as { url: string };
        return new Response(null, { status: 302, headers: { location: url } });
      },
      async signedIn(browser) {
        const session = (await (await browser.get('/api/auth/get-session')).json()) as {
          user?: unknown;
        } | null;
        return session?.user !== undefined;
      },
      signOut: (browser) =>
        browser.request('/api/auth/sign-out', {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: ORIGIN },
          body: '{}',
        }),
    };
  },
};

/** `neverlose-oidc/hono` in a Hono app: its three routes and a protected page, /me. */
export const hono: AdapterSurface = {
  name: 'hono',
  create(provider) {
    const app = new Hono<NeverloseEnv>();
    app.use(
      neverloseAuth({
        // Created at the first request, as on Workers: a discovery that fails answers 502.
        client: () =>
          createNeverloseClient({
            ...providerOptions(provider),
            redirectUri: `${ORIGIN}/auth/neverlose/callback`,
          }),
        secret: randomBytes(32).toString('base64url'),
        publicUrl: ORIGIN,
      }),
    );
    app.get('/me', requireNeverloseUser(), (c) => c.json({ csrf: c.var.neverloseCsrfToken }));
    const handle: Handler = async (request) => app.fetch(request);
    return {
      handle,
      callbackPath: '/auth/neverlose/callback',
      routes: ['/auth/neverlose', '/auth/neverlose/callback', '/auth/neverlose/logout', '/me'],
      start: (browser, returnTo = '/home') =>
        browser.get(`/auth/neverlose?returnTo=${encodeURIComponent(returnTo)}`),
      async signedIn(browser) {
        return (await browser.get('/me')).status === 200;
      },
      async signOut(browser) {
        const me = await browser.get('/me');
        const { csrf } = me.status === 200 ? ((await me.json()) as { csrf: string }) : { csrf: '' };
        return browser.postForm('/auth/neverlose/logout', { csrf });
      },
    };
  },
};

/** Every adapter of this package. */
export const ADAPTERS: readonly AdapterSurface[] = [authjs, nextAuth, betterAuthSurface, hono];
