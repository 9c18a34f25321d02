import type { AddressInfo } from 'node:net';
import {
  CLIENTS,
  type ReferenceProvider,
  signIn,
  startReferenceProvider,
} from '@neverlose-toolkit/test-support/reference-provider';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import {
  isNeverloseFailure,
  NeverloseStrategy,
  type PassportNeverloseProfile,
  redirectToReturnTo,
} from 'passport-neverlose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const CALLBACK_PATH = '/auth/neverlose/callback';
let provider: ReferenceProvider;
let app: { origin: string; close(): Promise<void> };

/** Express, express-session and passport-neverlose, set up as its README says. */
async function startApp(issuer: string) {
  const passport = new Passport();
  passport.use(
    new NeverloseStrategy(
      {
        client: {
          clientId: CLIENTS.basic.clientId,
          clientSecret: CLIENTS.basic.clientSecret,
          issuer,
          dangerouslyAllowInsecureHttp: true,
        },
        callbackURL: CALLBACK_PATH,
        returnToParam: 'returnTo',
      },
      (_accessToken, profile: PassportNeverloseProfile, done) =>
        done(null, { id: profile.id, username: profile.username }),
    ),
  );
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const server = express()
    .use(session({ secret: 'interop-session-secret', resave: false, saveUninitialized: false }))
    .use(passport.session())
    .get('/auth/neverlose', passport.authenticate('neverlose'))
    .get(CALLBACK_PATH, (req, res, next) => {
      passport.authenticate(
        'neverlose',
        (error: unknown, user: Express.User | false, info: unknown, status?: number) => {
          if (error) return next(error);
          if (!user) return res.status(status ?? 403).json(isNeverloseFailure(info) ? info : {});
          req.logIn(user, (loginError) => {
            if (loginError) return next(loginError);
            req.authInfo = info as Express.AuthInfo;
            redirectToReturnTo('/home')(req, res);
          });
        },
      )(req, res, next);
    })
    .get('/whoami', (req, res) => {
      res.json({ user: req.user ?? null });
    })
    .listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  provider = await startReferenceProvider();
  app = await startApp(provider.issuer);
  await provider.allowRedirect(`${app.origin}${CALLBACK_PATH}`);
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
});
beforeEach(() => {
  provider.decision = 'approve';
});

/** Starts a login at the app and signs in at the provider; returns the callback URL. */
async function toCallback(browser: UserAgent, path = '/auth/neverlose'): Promise<string> {
  return signIn(provider, await locationOf(await browser.get(`${app.origin}${path}`)));
}

describe('passport-neverlose against oidc-provider (OpenID Certified), set up as Neverlose', () => {
  it('logs in, regenerates the session and returns to returnTo', async () => {
    const browser = new UserAgent();
    const callback = await toCallback(browser, '/auth/neverlose?returnTo=%2Forders%3Fpage%3D2');
    expect(await locationOf(await browser.get(callback))).toBe('/orders?page=2');
    const whoami = await (await browser.get(`${app.origin}/whoami`)).json();
    expect(whoami).toEqual({ user: { id: '1337', username: 'darth' } });
  });

  it('fails with 403 ERR_ACCESS_DENIED when the user refuses', async () => {
    provider.decision = 'deny';
    const browser = new UserAgent();
    const response = await browser.get(await toCallback(browser));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'ERR_ACCESS_DENIED' });
  });

  it('fails with 400 ERR_ISSUER_MISMATCH for a callback whose iss is another issuer', async () => {
    const browser = new UserAgent();
    const callback = new URL(await toCallback(browser));
    callback.searchParams.set('iss', 'https://neverlose.cc');
    const response = await browser.get(callback);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'ERR_ISSUER_MISMATCH' });
  });

  it('fails with 400 when a callback is replayed: the transaction was used', async () => {
    const browser = new UserAgent();
    const callback = await toCallback(browser);
    expect(await locationOf(await browser.get(callback))).toBe('/home');
    const replay = await browser.get(callback);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
  });

  it("signs nobody in with the attacker's callback in the victim's browser, and the attacker's browser still completes (login CSRF)", async () => {
    const attacker = new UserAgent();
    const callback = await toCallback(attacker);
    const victim = new UserAgent();
    const refused = await victim.get(callback);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
    expect(await (await victim.get(`${app.origin}/whoami`)).json()).toEqual({ user: null });
    expect(await locationOf(await attacker.get(callback))).toBe('/home');
  });

  it('keeps logging in after the provider rotates its keys', async () => {
    const browser = new UserAgent();
    expect(await locationOf(await browser.get(await toCallback(browser)))).toBe('/home');
    await provider.rotateKeys();
    const again = new UserAgent();
    expect(await locationOf(await again.get(await toCallback(again)))).toBe('/home');
  });
});
