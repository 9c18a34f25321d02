// passport-neverlose on this runtime: an Express app with express-session and Passport, on
// node:http, logging alice in at the host's emulator. The browser is this runtime's fetch, with a
// cookie jar of one cookie.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { NeverloseStrategy, redirectToReturnTo } from 'passport-neverlose';
import { signInAtEmulator } from '../../support/sign-in.js';
import { assert, type RuntimeContext, surface } from '../harness.js';

interface User {
  id: string;
  username: string;
}

/** The README's Express wiring, on a port of its own; the callback URL is the registered one. */
async function startApp({ emulator }: RuntimeContext): Promise<{ url: string; server: Server }> {
  const auth = new passport.Passport();
  auth.use(
    new NeverloseStrategy(
      {
        client: {
          issuer: emulator.url,
          dangerouslyAllowInsecureHttp: true,
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
        },
        callbackURL: emulator.redirectUri,
        returnToParam: 'returnTo',
      },
      (_accessToken, profile, done) => done(null, { id: profile.id, username: profile.username }),
    ),
  );
  auth.serializeUser((user, done) => done(null, user));
  auth.deserializeUser((user: User, done) => done(null, user));
  const app = express();
  app.use(session({ secret: 'runtime-matrix-secret', resave: false, saveUninitialized: false }));
  app.use(auth.session());
  app.get('/auth/neverlose', auth.authenticate('neverlose'));
  const { pathname } = new URL(emulator.redirectUri);
  app.get(
    pathname,
    auth.authenticate('neverlose', { failureRedirect: '/login' }),
    redirectToReturnTo('/'),
  );
  app.get('/me', (req, res) => {
    res.json(req.user ?? null);
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A GET that keeps the session cookie, as a browser would, and does not follow redirects. */
function browser() {
  let cookie: string | undefined;
  return async (url: string): Promise<Response> => {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: cookie === undefined ? {} : { cookie },
    });
    const set = response.headers.getSetCookie()[0];
    if (set !== undefined) cookie = set.split(';')[0];
    return response;
  };
}

export default surface('passport express', (check) => {
  check('logs alice in: S256 PKCE, state and nonce, the callback, the session', async (c) => {
    const { url, server } = await startApp(c);
    try {
      const get = browser();
      const start = await get(`${url}/auth/neverlose?returnTo=/orders`);
      assert.equal(start.status, 302, 'the start’s status');
      const authorization = new URL(start.headers.get('location') ?? '');
      assert.equal(
        `${authorization.origin}${authorization.pathname}`,
        `${c.emulator.url}/oauth2/authorize`,
        'the redirect',
      );
      const params = Object.fromEntries(authorization.searchParams);
      assert.fields(
        params,
        {
          response_type: 'code',
          client_id: c.emulator.clientId,
          redirect_uri: c.emulator.redirectUri,
          code_challenge_method: 'S256',
        },
        'the authorization request',
      );
      for (const name of ['code_challenge', 'state', 'nonce']) {
        assert.ok(
          /^[\w-]{22,}$/.test(params[name] ?? ''),
          `a random ${name} (got ${params[name]})`,
        );
      }
      const callback = new URL(await signInAtEmulator(authorization.href, 'alice', 'allow'));
      const done = await get(`${url}${callback.pathname}${callback.search}`);
      assert.equal(done.status, 302, 'the callback’s status');
      assert.equal(done.headers.get('location'), '/orders', 'the callback’s redirect');
      assert.fields(await (await get(`${url}/me`)).json(), { id: '1', username: 'alice' }, 'user');

      const replay = await get(`${url}${callback.pathname}${callback.search}`);
      assert.equal(replay.headers.get('location'), '/login', 'a replayed callback’s redirect');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  check('signs nobody in with a callback carried to another browser (login CSRF)', async (c) => {
    const { url, server } = await startApp(c);
    try {
      const attacker = browser();
      const start = await attacker(`${url}/auth/neverlose`);
      const location = start.headers.get('location') ?? '';
      const callback = new URL(await signInAtEmulator(location, 'bob', 'allow'));
      const path = `${url}${callback.pathname}${callback.search}`;
      const victim = browser();
      const refused = await victim(path);
      assert.equal(refused.headers.get('location'), '/login', 'the victim’s callback redirect');
      assert.equal(await (await victim(`${url}/me`)).json(), null, 'the victim’s user');
      const done = await attacker(path);
      assert.equal(done.status, 302, 'the attacker’s own callback');
      assert.fields(await (await attacker(`${url}/me`)).json(), { id: '2' }, 'the attacker’s user');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
