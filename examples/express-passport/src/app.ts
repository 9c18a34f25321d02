import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisStore } from 'connect-redis';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import type { TransactionStore } from 'neverlose-oidc';
import { connectRedis } from 'neverlose-redis';
import passport from 'passport';
import { httpStatusOf, NeverloseStrategy, redirectToReturnTo } from 'passport-neverlose';
import { createClient, createCluster } from 'redis';
import { isLoginStore, LOGIN_STORES, type LoginStore, openLoginStore } from './login-store.js';
import { openPostgresSessions } from './postgres-sessions.js';
import { STYLESHEET } from './styles.js';
import { type AppUser, isAppUser, toAppUser } from './user.js';
import {
  badRequestPage,
  declinedPage,
  homePage,
  loginFailedPage,
  notFoundPage,
  ordersPage,
  type PageContext,
  profilePage,
  serverErrorPage,
} from './views.js';

declare module 'express-session' {
  interface SessionData {
    /** The synchronizer token of the logout form. */
    csrf?: string;
  }
}

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface ExpressPassportExampleOptions {
  /** The OAuth client id. */
  readonly clientId: string;
  /** The OAuth client secret; absent for a public client. */
  readonly clientSecret?: string;
  /** The identity provider. @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /** Signs the session cookie: at least 32 characters, the same on every instance. */
  readonly sessionSecret: string;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /**
   * The app's origin as the browser sees it, behind a TLS-terminating proxy: the callback URL is
   * built from it, and on `https:` the session cookie is `Secure` with the `__Host-` prefix,
   * whatever the request the app sees (plain HTTP from the proxy, any `Host`).
   * @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /**
   * Keep sessions in this Redis (connect-redis) so that several instances share them, logins in
   * flight included: `redis://host:6379`, or a Redis Cluster as
   * `redis+cluster://host1:6379,host2:6379` (any of its nodes). Start-up fails when it does not
   * accept the connection within 10 s, naming the last attempt's error.
   * @defaultValue absent: sessions in memory, one instance only
   */
  readonly redisUrl?: string;
  /**
   * Keep sessions in this PostgreSQL (connect-pg-simple): shared by every instance and durable
   * across restarts. Takes precedence over `redisUrl`.
   * @defaultValue absent: sessions in Redis with `redisUrl`, else in memory
   */
  readonly databaseUrl?: string;
  /**
   * Where a login waits for its callback (see {@link LoginStore}): the session, or a
   * `TransactionStore` (in memory, in the `redisUrl` Redis, in the `databaseUrl` PostgreSQL, or
   * one of your own) with the browser binding in a login cookie.
   * @defaultValue `'session'`
   */
  readonly loginStore?: LoginStore | TransactionStore;
  /** Express's `trust proxy` setting, for a TLS-terminating proxy. @defaultValue `false` */
  readonly trustProxy?: boolean | number | string;
  /** Permit `http:` provider URLs and callback URL: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3000` (no trailing slash). */
  readonly url: string;
  /** Stops the server (open connections included) and the Redis client. */
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to. Register `<publicUrl>/auth/neverlose/callback`. */
export const CALLBACK_PATH = '/auth/neverlose/callback';
export const LOGIN_PATH = '/auth/neverlose';

/** The session cookie's name: with the `__Host-` prefix on https, so that no other host sets it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-nl_example.sid' : 'nl_example.sid';
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' http: https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

const ANONYMOUS: PageContext = { user: undefined, csrfToken: undefined };

/** What a 503 says: the store, or Neverlose, cannot take a login now. */
const TRY_AGAIN = 'logins cannot be completed right now. Try again shortly.';

/** The 4xx status of an error thrown for a bad request (`http-errors`, as body-parser throws). */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function checkOptions(options: ExpressPassportExampleOptions): void {
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new Error('Invalid option "clientId": must be a non-empty string.');
  }
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32) {
    throw new Error('Invalid option "sessionSecret": must be at least 32 characters.');
  }
  const { loginStore } = options;
  if (
    loginStore !== undefined &&
    !isLoginStore(loginStore) &&
    (typeof loginStore?.set !== 'function' || typeof loginStore?.take !== 'function')
  ) {
    throw new Error(
      `Invalid option "loginStore": must be ${LOGIN_STORES.map((name) => `"${name}"`).join(', ')}, or a TransactionStore.`,
    );
  }
  if (options.publicUrl !== undefined && !URL.canParse(options.publicUrl)) {
    throw new Error(
      'Invalid option "publicUrl": must be an absolute URL such as https://app.example.',
    );
  }
}

const CLUSTER_SCHEME = 'redis+cluster://';
/** Start-up fails when Redis does not accept the connection within this time. */
const REDIS_CONNECT_TIMEOUT_MS = 10_000;

/** A node-redis client for `redis://…`, or a cluster client for `redis+cluster://node,node,…`. */
function redisClient(url: string) {
  if (!url.startsWith(CLUSTER_SCHEME)) return createClient({ url });
  const nodes = url.slice(CLUSTER_SCHEME.length).split(',');
  return createCluster({ rootNodes: nodes.map((node) => ({ url: `redis://${node}` })) });
}

/**
 * Starts the Express + passport-neverlose example: home, profile, a protected orders page that
 * returns you there after login, and a CSRF-protected logout.
 */
export async function startExample(
  options: ExpressPassportExampleOptions,
): Promise<RunningExample> {
  checkOptions(options);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const host = options.host ?? '127.0.0.1';

  const loginStore = options.loginStore ?? 'session';
  const postgres =
    options.databaseUrl === undefined
      ? undefined
      : await openPostgresSessions(options.databaseUrl, onError).catch((error: unknown) => {
          throw new Error(
            `PostgreSQL at "databaseUrl" (DATABASE_URL): ${(error as Error).message}`,
            { cause: error },
          );
        });
  // Sessions go to PostgreSQL first; Redis is opened for them otherwise, or for the logins.
  // Start-up fails within the deadline, in one error naming the last attempt, rather than hang;
  // once connected, the client's errors go to onError (it reconnects by itself meanwhile).
  const redis =
    options.redisUrl === undefined || (postgres !== undefined && loginStore !== 'redis')
      ? undefined
      : await connectRedis(redisClient(options.redisUrl), {
          timeoutMs: REDIS_CONNECT_TIMEOUT_MS,
          onError,
        }).catch(async (error: unknown) => {
          await postgres?.close();
          throw new Error(`Redis at "redisUrl" (REDIS_URL): ${(error as Error).message}`, {
            cause: error,
          });
        });
  let store: Awaited<ReturnType<typeof openLoginStore>>;
  try {
    store = isLoginStore(loginStore)
      ? await openLoginStore(loginStore, { redis, postgres: postgres?.pool })
      : loginStore;
  } catch (error) {
    await redis?.close();
    await postgres?.close();
    throw error;
  }

  const app = express();
  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await redis?.close();
    await postgres?.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${formatHost(host)}:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const secure = new URL(publicUrl).protocol === 'https:';

  // One Authenticator per app rather than passport's singleton: two apps in one process (the
  // tests) must not share strategies.
  const authenticator = new passport.Passport();
  authenticator.use(
    new NeverloseStrategy(
      {
        // The options of neverlose-oidc's createNeverloseClient, as they are.
        client: {
          clientId: options.clientId,
          ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          dangerouslyAllowInsecureHttp: options.dangerouslyAllowInsecureHttp === true,
        },
        callbackURL: `${publicUrl}${CALLBACK_PATH}`,
        returnToParam: 'returnTo',
        // Without a store, transactions live in the session: with REDIS_URL or DATABASE_URL the
        // session is shared, so a login started on one instance completes on any other. With
        // one, the transaction waits in the store and the browser binding in a login cookie.
        ...(store === undefined ? {} : { store }),
      },
      (_accessToken, profile, done) => done(null, toAppUser(profile)),
    ),
  );
  authenticator.serializeUser((user, done) => done(null, user));
  authenticator.deserializeUser((stored: unknown, done) =>
    done(null, isAppUser(stored) ? stored : false),
  );

  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.use((req, res, next) => {
    // The public origin decides the protocol: on an https: PUBLIC_URL the app sits behind a
    // TLS-terminating proxy, and express-session sets its Secure cookie only on a secure request.
    if (secure) Object.defineProperty(req, 'protocol', { value: 'https' });
    res.set(SECURITY_HEADERS);
    // Only a path: express-session skips a target such as `*` (outside its cookie path), and
    // Passport would then fail on a request without a session.
    if (!req.url.startsWith('/')) {
      res.status(400).send(badRequestPage(ANONYMOUS, 400, 'The request target is not a path.'));
      return;
    }
    next();
  });
  app.get('/style.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=300').send(STYLESHEET);
  });
  app.use(
    session({
      name: sessionCookieName(secure),
      secret: options.sessionSecret,
      resave: false,
      saveUninitialized: false,
      ...(postgres !== undefined
        ? { store: postgres.store }
        : redis === undefined
          ? {}
          : { store: new RedisStore({ client: redis, prefix: 'neverlose-example:sess:' }) }),
      cookie: {
        httpOnly: true,
        // Lax: the cookie comes back on Neverlose's top-level redirect to the callback, but not
        // on cross-site POSTs, which is the first line of defence of the logout form.
        sameSite: 'lax',
        secure,
        path: '/',
      },
    }),
  );
  app.use(authenticator.session());
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  const currentUser = (req: Request): AppUser | undefined =>
    isAppUser(req.user) ? req.user : undefined;
  const context = (req: Request): PageContext => {
    const user = currentUser(req);
    if (user !== undefined) req.session.csrf ??= randomBytes(32).toString('base64url');
    return { user, csrfToken: user === undefined ? undefined : req.session.csrf };
  };
  const requireUser = (req: Request, res: Response, next: NextFunction) => {
    if (currentUser(req) !== undefined) return next();
    res.redirect(303, `${LOGIN_PATH}?returnTo=${encodeURIComponent(req.originalUrl)}`);
  };

  // One handler for the start and the callback: the strategy tells them apart. A custom callback
  // turns every login failure into a page with the status of neverlose-oidc's httpStatusOf: what
  // the visitor did (declined consent, a stale, forged or foreign callback, a bad returnTo) is a
  // 4xx; what Neverlose or the network did (a bad id_token, a userinfo or token endpoint error,
  // broken discovery, a timeout) a deliberate 502. Only a bug reaches the 500 handler.
  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    authenticator.authenticate(
      'neverlose',
      (error: unknown, user: unknown, info: unknown, status: unknown) => {
        if (error) {
          const failed = httpStatusOf(error);
          if (failed === undefined) return next(error);
          onError(error);
          const { code } = error as { code: string };
          if (failed === 503) res.set('retry-after', '10');
          return res
            .status(failed)
            .send(
              loginFailedPage(
                context(req),
                failed === 503
                  ? TRY_AGAIN
                  : 'Neverlose could not be reached or answered unexpectedly. Try again shortly.',
                code,
              ),
            );
        }
        const details = (info ?? {}) as { code?: unknown; message?: unknown };
        if (!isAppUser(user)) {
          const code = typeof status === 'number' ? status : 403;
          if (details.code === 'ERR_ACCESS_DENIED') {
            return res.status(403).send(declinedPage(context(req)));
          }
          // 503: try again shortly (a full login store, or Neverlose overloaded).
          if (code === 503) res.set('retry-after', '10');
          const message =
            code === 503
              ? TRY_AGAIN
              : typeof details.message === 'string'
                ? details.message
                : 'the login was refused.';
          const errorCode = typeof details.code === 'string' ? details.code : undefined;
          return res.status(code).send(loginFailedPage(context(req), message, errorCode));
        }
        req.logIn(user, (loginError) => {
          if (loginError) return next(loginError);
          // Passport regenerated the session: the returnTo comes from the strategy's info.
          req.authInfo = info as Express.AuthInfo;
          // A callback of express-session, outside Express's own error handling: a throw here
          // (an invalid Location header) would end the process.
          try {
            redirectToReturnTo('/profile')(req, res);
          } catch (redirectError) {
            next(redirectError);
          }
        });
      },
    )(req, res, next);
  };

  app.get('/', (req, res) => {
    res.send(homePage(context(req), req.query['loggedOut'] === '1' ? 'logged-out' : undefined));
  });
  app.get(LOGIN_PATH, authenticate);
  app.get(CALLBACK_PATH, authenticate);
  app.get('/profile', requireUser, (req, res) => {
    res.send(profilePage({ ...context(req), user: currentUser(req) as AppUser }));
  });
  app.get('/orders', requireUser, (req, res) => {
    res.send(ordersPage({ ...context(req), user: currentUser(req) as AppUser }));
  });
  app.post('/logout', (req, res, next) => {
    if (currentUser(req) === undefined) return res.redirect(303, '/');
    const sent = Buffer.from(typeof req.body?.csrf === 'string' ? req.body.csrf : '');
    const expected = Buffer.from(req.session.csrf ?? '');
    if (
      expected.length === 0 ||
      sent.length !== expected.length ||
      !timingSafeEqual(sent, expected)
    ) {
      return res
        .status(403)
        .send(
          loginFailedPage(context(req), 'the logout form expired; reload the page and try again.'),
        );
    }
    // passport 0.7 regenerates the session on logout: the old id and its CSRF token are gone.
    req.logout((error) => {
      if (error) return next(error);
      res.redirect(303, '/?loggedOut=1');
    });
  });
  app.use((req, res) => {
    res.status(404).send(notFoundPage(context(req)));
  });
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const page = { user: currentUser(req), csrfToken: undefined };
    // The body parser's refusals (too large, malformed, aborted) are the client's doing: their
    // 4xx status, a page without details, and nothing logged as a failure of the app.
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      res.status(status).send(badRequestPage(page, status, 'The request could not be read.'));
      return;
    }
    onError(error);
    res.status(500).send(serverErrorPage(page));
  });

  let closed: Promise<void> | undefined;
  return {
    url,
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await redis?.close();
        await postgres?.close();
      })();
      return closed;
    },
  };
}
