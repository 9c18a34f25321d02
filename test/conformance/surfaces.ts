import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildExample, isBuilt, exampleDir as nextExampleDir } from 'neverlose-example-nextjs';
import { startWiredPair } from '../e2e/login-examples.js';
import { type ProcessSpec, Supervised } from '../hostile/process.js';
import { type BrowserSession, openBrowser } from '../support/browser.js';
import { repoRoot } from '../support/packed.js';

// Every surface a user logs in through, as one entry each: the example app that shows it, how to
// start that app against a provider, and how a login begins there. The conformance matrix, the
// login CSRF test and the proxy test all read this table: a new surface is one entry here.

/**
 * Where an example keeps its sessions and pending logins (the session, or a `TransactionStore`
 * with the browser binding in a login cookie): one variant of the login CSRF test.
 */
export interface SessionStore {
  /** Names the variant, such as `redis`. */
  readonly name: string;
  /**
   * The browser binding goes to the browser in a login cookie (`nl_login.<state>`, neverlose-oidc's
   * `loginCookie`): a sealed transaction, or the key of one in a `TransactionStore`. Otherwise the
   * framework's session or its own cookies bind the login.
   */
  readonly loginCookie?: boolean;
  /**
   * Environment that selects it, read when the test runs (the servers' URLs are set by the
   * slow project's globalSetup).
   */
  env(): Readonly<Record<string, string>>;
}

/** One surface: a framework or package, through the example app that uses it. */
export interface Surface {
  /** The column of the conformance table. */
  readonly name: string;
  /** What the surface is, for the table's legend. */
  readonly stack: string;
  /** The folder under `examples/`: `node dist/main.js` runs, configured by its environment. */
  readonly example: string;
  /** Where a login starts, with a `returnTo` in {@link returnToParam} (a GET the browser makes). */
  readonly loginPath: string;
  /** The query parameter of {@link loginPath} that says where to go after the login. */
  readonly returnToParam: string;
  /** Where the provider sends the browser back to. */
  readonly callbackPath: string;
  /**
   * Pages of the app a login passes through on its way to the provider that answer 200 (a page
   * whose script starts the login); any other page that is not a redirect ends the journey.
   */
  readonly passesThrough?: (url: URL) => boolean;
  /** Environment its README documents behind a TLS-terminating proxy, besides `PUBLIC_URL`. */
  readonly behindProxy?: Readonly<Record<string, string>>;
  /** The stores the example can keep its sessions in; the first is the default. */
  readonly stores: readonly [SessionStore, ...SessionStore[]];
  /** Runs once before the example can start (the production build of a Next.js app). */
  readonly prepare?: () => Promise<void>;
  /**
   * Conformance modules whose check this surface's framework cannot make, even through its
   * adapter, by module name, with the reason: the table shows the reason instead of a failure.
   * The module still runs, and a cell that passes fails the run until its entry goes.
   */
  readonly cannot?: Readonly<Record<string, string>>;
}

/**
 * The client the examples are configured with: the emulator's default one, which the hostile
 * provider is started with too.
 */
export const CLIENT = { id: 'emulator-client', secret: 'emulator-secret' } as const;

/** Sessions in the process's memory: no variable set (those the test run set are cleared). */
const MEMORY: SessionStore = { name: 'memory', env: () => ({}) };

function serverUrl(name: 'REDIS_URL' | 'DATABASE_URL'): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: the slow project's globalSetup starts that server.`);
  }
  return value;
}

/** The newest modification time of the files under `paths`, in ms. */
function newestChange(paths: readonly string[]): number {
  let newest = 0;
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) {
      newest = Math.max(newest, newestChange(readdirSync(path).map((name) => join(path, name))));
    }
  }
  return newest;
}

/**
 * How the Next.js example is prepared: its production build, made unless one is there that is
 * newer than the example's sources and the built neverlose-oidc it bundles.
 */
async function buildNextOnce(): Promise<void> {
  const built = statSync(join(nextExampleDir, '.next', 'BUILD_ID'), { throwIfNoEntry: false });
  const sources = ['app', 'auth.ts', 'next.config.mjs', 'types'].map((name) =>
    join(nextExampleDir, name),
  );
  const changed = newestChange([...sources, join(repoRoot, 'packages', 'oidc', 'dist')]);
  if (!isBuilt() || built === undefined || built.mtimeMs < changed) await buildExample();
}

export const SURFACES: readonly Surface[] = [
  {
    name: 'web-standard',
    stack: '`neverlose-oidc` core on Web `Request`/`Response` (sealed-cookie transactions)',
    example: 'web-standard',
    loginPath: '/login',
    returnToParam: 'returnTo',
    callbackPath: '/callback',
    stores: [
      { name: 'sealed cookie', loginCookie: true, env: () => ({}) },
      // The wiring of neverlose-oidc's README quick start.
      { name: 'store: memory', loginCookie: true, env: () => ({ LOGIN_STORE: 'memory' }) },
    ],
  },
  {
    name: 'express-passport',
    stack: '`passport-neverlose` on Express 5 with `express-session`',
    example: 'express-passport',
    loginPath: '/auth/neverlose',
    returnToParam: 'returnTo',
    callbackPath: '/auth/neverlose/callback',
    // Its README: "plus TRUST_PROXY when a proxy terminates TLS".
    behindProxy: { TRUST_PROXY: 'loopback' },
    stores: [
      MEMORY,
      { name: 'redis', env: () => ({ REDIS_URL: serverUrl('REDIS_URL') }) },
      { name: 'postgres', env: () => ({ DATABASE_URL: serverUrl('DATABASE_URL') }) },
      // passport-neverlose's `store` option: MemoryTransactionStore, RedisTransactionStore,
      // PostgresTransactionStore.
      { name: 'store: memory', loginCookie: true, env: () => ({ LOGIN_STORE: 'memory' }) },
      {
        name: 'store: redis',
        loginCookie: true,
        env: () => ({ LOGIN_STORE: 'redis', REDIS_URL: serverUrl('REDIS_URL') }),
      },
      {
        name: 'store: postgres',
        loginCookie: true,
        env: () => ({ LOGIN_STORE: 'postgres', DATABASE_URL: serverUrl('DATABASE_URL') }),
      },
    ],
  },
  {
    name: 'fastify',
    stack: '`passport-neverlose` on Fastify 5 with `@fastify/passport`',
    example: 'fastify',
    loginPath: '/auth/neverlose',
    returnToParam: 'returnTo',
    callbackPath: '/auth/neverlose/callback',
    stores: [
      { name: '@fastify/session', env: () => ({ SESSION_PLUGIN: '@fastify/session' }) },
      {
        name: '@fastify/secure-session',
        env: () => ({ SESSION_PLUGIN: '@fastify/secure-session' }),
      },
    ],
  },
  {
    name: 'hono',
    stack: '`neverlose-oidc/hono` middleware on `@hono/node-server` (sealed cookies)',
    example: 'hono',
    loginPath: '/auth/neverlose',
    returnToParam: 'returnTo',
    callbackPath: '/auth/neverlose/callback',
    stores: [{ name: 'sealed cookie', loginCookie: true, env: () => ({}) }],
  },
  {
    name: 'better-auth',
    stack: '`neverlose-oidc/better-auth`, a plugin of better-auth (SQLite)',
    example: 'better-auth',
    loginPath: '/login',
    returnToParam: 'returnTo',
    callbackPath: '/api/auth/callback/neverlose',
    stores: [{ name: 'sqlite', env: () => ({}) }],
  },
  {
    name: 'next-auth v4',
    stack: '`neverlose-oidc/next-auth` in next-auth v4 on the Next.js App Router (JWT sessions)',
    example: 'nextjs',
    // Its sign-in page starts next-auth's login with a script (a POST with its CSRF token).
    loginPath: '/login',
    returnToParam: 'returnTo',
    callbackPath: '/api/auth/callback/neverlose',
    passesThrough: (url) => url.pathname === '/login' && !url.searchParams.has('error'),
    stores: [{ name: 'jwt cookie', env: () => ({}) }],
    prepare: buildNextOnce,
  },
  {
    name: 'Auth.js',
    stack: '`neverlose-oidc/authjs` in Auth.js on Express (`@auth/express`, JWT sessions)',
    example: 'authjs-express',
    loginPath: '/login',
    returnToParam: 'returnTo',
    callbackPath: '/auth/callback/neverlose',
    stores: [{ name: 'jwt cookie', env: () => ({}) }],
  },
];

/** What the example is started with besides its store. */
export interface StartOptions {
  /** The provider's issuer. */
  readonly issuer: string;
  /** The app's public origin; default: `http://127.0.0.1:<port>`. */
  readonly publicUrl?: string;
  /** Environment added last. */
  readonly env?: Readonly<Record<string, string>>;
  readonly store?: SessionStore;
}

/**
 * The example as its README runs it: `node dist/main.js`, configured by its environment, on a
 * port of `Supervised`'s choosing (`{port}`). Variables the test run set for its own servers
 * (`REDIS_URL`, `DATABASE_URL`), and `LOGIN_STORE`, are cleared unless the store sets them.
 */
export function exampleProcess(surface: Surface, options: StartOptions): ProcessSpec {
  const store = options.store ?? surface.stores[0];
  return {
    name: `the ${surface.example} example (${store.name})`,
    args: [`${repoRoot}/examples/${surface.example}/dist/main.js`],
    env: {
      PORT: '{port}',
      HOST: '127.0.0.1',
      PUBLIC_URL: options.publicUrl ?? 'http://127.0.0.1:{port}',
      NEVERLOSE_ISSUER: options.issuer,
      NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      NEVERLOSE_CLIENT_ID: CLIENT.id,
      NEVERLOSE_CLIENT_SECRET: CLIENT.secret,
      SESSION_SECRET: 'conformance-session-secret-0123456789abcdef',
      REDIS_URL: '',
      DATABASE_URL: '',
      LOGIN_STORE: '',
      ...store.env(),
      ...options.env,
    },
  };
}

/** The URL a login starts at, with a return target when given. */
export function loginUrl(surface: Surface, appUrl: string, returnTo?: string): string {
  const url = new URL(surface.loginPath, appUrl);
  if (returnTo !== undefined) url.searchParams.set(surface.returnToParam, returnTo);
  return url.href;
}

/**
 * The emulator and `surface`'s example, wired to each other (`startWiredPair`): the example's
 * callback at its public origin is registered with the emulator's default client. `child` is the
 * example's process.
 */
export async function startWithEmulator(
  surface: Surface,
  options: Omit<StartOptions, 'issuer'> = {},
): Promise<Awaited<ReturnType<typeof startWiredPair>> & { child: Supervised }> {
  let child: Supervised | undefined;
  const pair = await startWiredPair(async (issuer, sessionSecret) => {
    child = await Supervised.start(
      exampleProcess(surface, {
        ...options,
        issuer,
        env: { ...options.env, SESSION_SECRET: sessionSecret },
      }),
    );
    const app = child;
    return { url: options.publicUrl ?? app.url, close: () => app.stop() };
  }, surface.callbackPath);
  return { ...pair, child: child as Supervised };
}

/** Prepares `surfaces` (each `prepare` once), then opens the browser their tests share. */
export async function openBrowserFor(
  surfaces: readonly Surface[],
  suite: string,
): Promise<BrowserSession> {
  for (const prepare of new Set(surfaces.map((surface) => surface.prepare))) await prepare?.();
  return openBrowser(suite);
}
