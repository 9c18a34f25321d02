import type { AddressInfo } from 'node:net';
import { startProvider, type TestProvider } from '@neverlose-toolkit/test-support/hostile-provider';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type NeverloseAuthenticateOptions,
  NeverloseStrategy,
  type NeverloseStrategyOptions,
  redirectToReturnTo,
  type VerifyFunction,
} from '../../src/index.js';

export interface TestApp {
  readonly origin: string;
  readonly verified: unknown[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly strategy: NeverloseStrategyOptions;
  readonly session?: boolean;
  readonly trustProxy?: boolean;
  readonly authenticate?: NeverloseAuthenticateOptions & { keepSessionInfo?: boolean };
  /** What verify answers: the user (default), or false. */
  readonly accept?: boolean;
  /** A verify function instead of the default one (which records and accepts or refuses). */
  readonly verify?: VerifyFunction;
  /**
   * End the login in a custom Passport callback, as apps that render their own failure pages do:
   * `req.logIn` then `redirectToReturnTo`, outside any Express handler's try/catch. `'throws'`:
   * a callback that throws as soon as it is called, as a buggy app's would.
   */
  readonly customCallback?: boolean | 'throws';
  /** A middleware that runs before the login routes. */
  readonly before?: express.RequestHandler;
  /** The express-session store (default: its memory store). */
  readonly sessionStore?: session.Store;
}

/** What a test app needs to know of the provider it logs in at. */
interface ProviderLike {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly issuer: string;
}

/** Options of the strategy itself; every other override is an option of its client. */
const STRATEGY_KEYS = new Set([
  'callbackURL',
  'store',
  'sessionKey',
  'passReqToCallback',
  'proxy',
  'returnToParam',
]);

/**
 * The strategy options of a test app that logs in at `provider`, over plain HTTP, with
 * `overrides` of the strategy's options and of its client's (`issuer`, `fetch`...).
 */
export function strategyFor(
  provider: ProviderLike,
  overrides: Record<string, unknown> = {},
): NeverloseStrategyOptions {
  const client: Record<string, unknown> = {
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
  };
  const strategy: Record<string, unknown> = {
    callbackURL: '/auth/neverlose/callback',
    returnToParam: 'returnTo',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (key !== 'client') (STRATEGY_KEYS.has(key) ? strategy : client)[key] = value;
  }
  // A ready client (`{ client }`) replaces the options.
  return { ...strategy, client: overrides.client ?? client } as unknown as NeverloseStrategyOptions;
}

/** Starts the hostile provider before the file's tests and closes it after them. */
export function hostileProvider(): () => TestProvider {
  let provider: TestProvider | undefined;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(async () => {
    await provider?.close();
  });
  return () => {
    if (provider === undefined) throw new Error('The provider starts in beforeAll.');
    return provider;
  };
}

/**
 * Starts test apps that log in at `provider()`, with `strategy` over the defaults, and closes
 * them (their connections included) after each test.
 */
export function testApps(
  provider: () => ProviderLike,
): (options?: Omit<TestAppOptions, 'strategy'>, strategy?: object) => Promise<TestApp> {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return async (options = {}, strategy = {}) => {
    const started = await startApp({
      ...options,
      strategy: strategyFor(provider(), strategy as Record<string, unknown>),
    });
    apps.push(started);
    return started;
  };
}

/** An Express app with express-session and Passport, logging in with Neverlose. */
export async function startApp(options: TestAppOptions): Promise<TestApp> {
  const verified: unknown[] = [];
  const passport = new Passport();
  const accept = options.accept ?? true;
  const strategyOptions = options.strategy;
  const strategy = strategyOptions.passReqToCallback
    ? new NeverloseStrategy(
        { ...strategyOptions, passReqToCallback: true as const },
        (req, accessToken, profile, done) => {
          verified.push({ hadRequest: typeof req.headers === 'object', accessToken, profile });
          done(null, accept ? { id: profile.id, username: profile.username } : false);
        },
      )
    : new NeverloseStrategy(
        { ...strategyOptions, passReqToCallback: false },
        options.verify ??
          ((accessToken, profile, done) => {
            verified.push({ accessToken, profile });
            done(null, accept ? { id: profile.id, username: profile.username } : false, {
              message: 'This account is banned.',
            });
          }),
      );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  if (options.trustProxy) app.set('trust proxy', true);
  if (options.session !== false) {
    app.use(
      session({
        secret: 'test-session-secret',
        resave: false,
        saveUninitialized: false,
        ...(options.sessionStore === undefined ? {} : { store: options.sessionStore }),
      }),
    );
    app.use(passport.session());
  }
  if (options.before !== undefined) app.use(options.before);
  if (options.customCallback) {
    const authenticate: express.RequestHandler = (req, res, next) => {
      passport.authenticate(
        'neverlose',
        (error: unknown, user: Express.User | false, info: unknown, status?: number) => {
          if (options.customCallback === 'throws') throw new Error('The app callback failed.');
          if (error) return next(error);
          if (!user) return res.status(status ?? 403).json(info ?? {});
          req.logIn(user, (loginError) => {
            if (loginError) return next(loginError);
            req.authInfo = info as Express.AuthInfo;
            redirectToReturnTo('/home')(req, res);
          });
        },
      )(req, res, next);
    };
    app.get('/auth/neverlose', authenticate);
    app.get('/auth/neverlose/callback', authenticate);
  } else {
    app.get('/auth/neverlose', passport.authenticate('neverlose', options.authenticate ?? {}));
    app.get(
      '/auth/neverlose/callback',
      passport.authenticate('neverlose', { failureMessage: true, ...(options.authenticate ?? {}) }),
      redirectToReturnTo('/home'),
    );
  }
  app.get('/whoami', (req, res) => {
    res.json({
      user: req.user ?? null,
      messages: (req.session as { messages?: string[] } | undefined)?.messages ?? [],
    });
  });
  app.use(
    (
      error: Error & { code?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res.status(500).json({ code: error.code, message: error.message });
    },
  );

  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    verified,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
