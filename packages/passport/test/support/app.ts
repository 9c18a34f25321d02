import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  type NeverloseAuthenticateOptions,
  NeverloseStrategy,
  type NeverloseStrategyOptions,
  redirectToReturnTo,
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
        (accessToken, profile, done) => {
          verified.push({ accessToken, profile });
          done(null, accept ? { id: profile.id, username: profile.username } : false, {
            message: 'This account is banned.',
          });
        },
      );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  if (options.trustProxy) app.set('trust proxy', true);
  if (options.session !== false) {
    app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
    app.use(passport.session());
  }
  app.get('/auth/neverlose', passport.authenticate('neverlose', options.authenticate ?? {}));
  app.get(
    '/auth/neverlose/callback',
    passport.authenticate('neverlose', { failureMessage: true, ...(options.authenticate ?? {}) }),
    redirectToReturnTo('/home'),
  );
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
