import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import {
  createNeverloseClient,
  type NeverloseClientOptions,
  type SessionRevocationStore,
} from 'neverlose-oidc';
import { type NeverloseEnv, neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';
import { failurePage, homePage, ordersPage, profilePage } from './views.js';

/** What the app needs; each runtime's entry reads it from its own environment. */
export interface HonoExampleConfig {
  /**
   * The client options; the redirect URI is `publicUrl` + `/auth/neverlose/callback`, given to
   * every login by the middleware.
   */
  readonly client: NeverloseClientOptions;
  /**
   * The app's origin as browsers see it (`PUBLIC_URL`): the redirect URI, every redirect and the
   * cookies (`Secure`, `__Host-` on https) come from it, never from the request.
   */
  readonly publicUrl: string;
  /** Seals the login and session cookies: at least 32 random bytes. */
  readonly sessionSecret: string;
  /** Where unexpected errors go. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** Where the app keeps what outlives a request: given once, when the app is created. */
export interface HonoExampleStores {
  /**
   * Where signed-out sessions are remembered until they expire. Several instances must share
   * one: `RedisSessionRevocationStore` (neverlose-redis/oidc) or `PostgresSessionRevocationStore`
   * (neverlose-postgres/oidc). @defaultValue a `MemorySessionRevocationStore`: one instance only
   */
  readonly sessionRevocations?: SessionRevocationStore;
}

/**
 * The whole app, with no Node API: it runs as it is on Node (`@hono/node-server`), Bun
 * (`export default app`) and Workers (`src/worker.ts`).
 */
export function createApp(
  config: HonoExampleConfig | ((env: Record<string, unknown>) => HonoExampleConfig),
  stores: HonoExampleStores = {},
): Hono<NeverloseEnv> {
  const configOf = (env: unknown) =>
    typeof config === 'function' ? config((env ?? {}) as Record<string, unknown>) : config;
  const report = (env: unknown, error: unknown) => (configOf(env).onError ?? console.error)(error);

  const app = new Hono<NeverloseEnv>();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'http:', 'https:', 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    }),
  );
  app.use(
    neverloseAuth({
      // Created on the first request: a Worker may not fetch at startup.
      client: (c) => createNeverloseClient(configOf(c.env).client),
      secret: (c) => configOf(c.env).sessionSecret,
      publicUrl: (c) => configOf(c.env).publicUrl,
      afterLoginPath: '/profile',
      afterLogoutPath: '/?loggedOut=1',
      ...(stores.sessionRevocations === undefined
        ? {}
        : { sessionRevocations: stores.sessionRevocations }),
      renderError: (c, failure) => {
        if (failure.status >= 500) report(c.env, failure.error);
        // 503: try again shortly.
        const retry: Record<string, string> = failure.status === 503 ? { 'retry-after': '10' } : {};
        return c.html(
          failurePage(failure.status, failure.code, failure.message),
          failure.status,
          retry,
        );
      },
    }),
  );

  app.get('/', (c) =>
    c.html(
      homePage(
        { user: c.var.neverloseUser, csrf: c.var.neverloseCsrfToken },
        c.req.query('loggedOut') !== undefined,
      ),
    ),
  );
  app.get('/profile', requireNeverloseUser(), (c) =>
    c.html(profilePage({ user: c.var.neverloseUser!, csrf: c.var.neverloseCsrfToken })),
  );
  app.get('/orders', requireNeverloseUser(), (c) =>
    c.html(ordersPage({ user: c.var.neverloseUser!, csrf: c.var.neverloseCsrfToken })),
  );
  app.notFound((c) => c.text('There is no such page.', 404));
  app.onError((error, c) => {
    report(c.env, error);
    return c.text('Something went wrong; the error was logged.', 500);
  });
  return app;
}
