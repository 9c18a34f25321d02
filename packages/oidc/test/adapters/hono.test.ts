import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorize, startProvider } from '../../../../test/providers/hostile-provider.mjs';
import {
  CLIENTS,
  type ReferenceProvider,
  signIn as signInAtReference,
  startReferenceProvider,
  USER,
} from '../../../../test/providers/reference-provider.js';
import {
  type NeverloseEnv,
  type NeverloseHonoOptions,
  neverloseAuth,
  requireNeverloseUser,
} from '../../src/adapters/hono/index.js';
import { createNeverloseClient, type NeverloseClient } from '../../src/index.js';

// Logins run against oidc-provider (OpenID Certified); the one that needs a provider breaking a
// rule (an id_token whose at_hash is wrong) runs against the hostile one.
const ORIGIN = 'http://localhost:3000';
const CALLBACK = `${ORIGIN}/auth/neverlose/callback`;
const SECRET = randomBytes(32).toString('base64url');
let provider: ReferenceProvider;
let client: NeverloseClient;

/** A client of `issuer` for the app at ORIGIN. */
function clientAt(
  issuer: string,
  { clientId, clientSecret }: { clientId: string; clientSecret: string },
) {
  return createNeverloseClient({
    clientId,
    clientSecret,
    redirectUri: CALLBACK,
    issuer,
    dangerouslyAllowInsecureHttp: true,
  });
}

beforeAll(async () => {
  provider = await startReferenceProvider([CALLBACK]);
  client = await clientAt(provider.issuer, CLIENTS.basic);
});
afterAll(() => provider?.close());
beforeEach(() => {
  provider.decision = 'approve';
});

function appWith(options: Partial<NeverloseHonoOptions> = {}) {
  const app = new Hono<NeverloseEnv>();
  app.use(neverloseAuth({ client, secret: SECRET, ...options }));
  app.get('/me', requireNeverloseUser(), (c) =>
    c.json({ user: c.var.neverloseUser, csrf: c.var.neverloseCsrfToken }),
  );
  app.post('/me', requireNeverloseUser(), (c) => c.text('ok'));
  return app;
}

/** `name=value` pairs of every Set-Cookie, as a Cookie header (deleted cookies left out). */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] as string)
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}

async function signIn(
  app: Hono<NeverloseEnv>,
  returnTo = '/me',
  atProvider = (url: string) => signInAtReference(provider, url),
) {
  const start = await app.request(
    `${ORIGIN}/auth/neverlose?returnTo=${encodeURIComponent(returnTo)}`,
  );
  const callbackUrl = await atProvider(start.headers.get('location')!);
  const callback = await app.request(callbackUrl, { headers: { cookie: cookiesOf(start) } });
  return { start, callbackUrl, callback };
}

describe('neverloseAuth (Hono), logging in at oidc-provider', () => {
  it('signs in: PKCE, state and nonce sent, the transaction in a sealed login cookie', async () => {
    const app = appWith();
    const { start, callback } = await signIn(app);
    const authorization = new URL(start.headers.get('location')!);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    const txCookie = start.headers.getSetCookie()[0]!;
    expect(txCookie).toMatch(/^nl_login\.[\w-]+=.+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);

    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/me');
    const me = await app.request(`${ORIGIN}/me`, { headers: { cookie: cookiesOf(callback) } });
    const body = (await me.json()) as { user: Record<string, unknown>; csrf: string };
    expect(body.user).toEqual({
      id: USER.sub,
      userId: USER['cc.neverlose.user_id'],
      username: USER['cc.neverlose.login'],
      displayName: USER.name,
      email: USER.email,
      avatarUrl: USER.picture,
      profileUrl: USER.profile,
      registrationDate: USER['cc.neverlose.reg_date'],
    });
    expect(body.csrf).toMatch(/^[\w-]{32}$/);
  });

  it('deletes the transaction cookie on the callback, so that a replay is refused with 400', async () => {
    const app = appWith();
    const start = await app.request(`${ORIGIN}/auth/neverlose`);
    const callbackUrl = await signInAtReference(provider, start.headers.get('location')!);
    const first = await app.request(callbackUrl, { headers: { cookie: cookiesOf(start) } });
    expect(first.headers.getSetCookie().some((c) => /^nl_login\.[\w-]+=; Max-Age=0/.test(c))).toBe(
      true,
    );
    const replay = await app.request(callbackUrl);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('The callback came without the cookie of its login');
  });

  it('answers 403 to a denied consent, 400 to a forged callback and to a bad returnTo', async () => {
    const app = appWith();
    provider.decision = 'deny';
    const denied = await signIn(app);
    expect(denied.callback.status).toBe(403);

    const forged = await app.request(`${ORIGIN}/auth/neverlose/callback?code=x&state=y`);
    expect(forged.status).toBe(400);
    const badReturnTo = await app.request(`${ORIGIN}/auth/neverlose?returnTo=//evil.example`);
    expect(badReturnTo.status).toBe(400);
  });

  it('answers 502 through renderError when the id_token fails a check', async () => {
    const hostile = await startProvider();
    try {
      hostile.behaviour.idToken = 'wrong-at-hash';
      const failures: unknown[] = [];
      const app = appWith({
        client: await clientAt(hostile.issuer, hostile),
        renderError: (c, failure) => {
          failures.push(failure.code);
          return c.text('failed', failure.status);
        },
      });
      const { callback } = await signIn(app, '/me', authorize);
      expect(callback.status).toBe(502);
      expect(failures).toEqual(['ERR_ID_TOKEN_INVALID']);
    } finally {
      await hostile.close();
    }
  });

  it('opens no session from a login transaction cookie sent as the session cookie', async () => {
    const app = appWith();
    const start = await app.request(`${ORIGIN}/auth/neverlose`);
    const transaction = start.headers.getSetCookie()[0]!.split(';')[0]!.split('=')[1]!;
    const me = await app.request(`${ORIGIN}/me`, {
      headers: { cookie: `nl_session=${transaction}` },
    });
    expect(me.status).toBe(302);
  });

  it('signs out only with the session token (form field or header), 403 otherwise', async () => {
    const app = appWith({ afterLogoutPath: '/bye' });
    const { callback } = await signIn(app);
    const cookie = cookiesOf(callback);
    const me = (await (await app.request(`${ORIGIN}/me`, { headers: { cookie } })).json()) as {
      csrf: string;
    };
    const logout = (body: string, headers: Record<string, string> = {}) =>
      app.request(`${ORIGIN}/auth/neverlose/logout`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expect((await logout('csrf=forged')).status).toBe(403);
    expect((await logout('')).status).toBe(403);
    expect((await logout('csrf=a'.padEnd(10_000, 'a'))).status).toBe(403);
    const out = await logout('', { 'x-csrf-token': me.csrf });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/bye');
    expect(out.headers.getSetCookie()[0]).toMatch(/^nl_session=; Max-Age=0/);
  });

  it('sends a visitor without a session to the login with returnTo, and answers 401 to a POST', async () => {
    const app = appWith();
    const get = await app.request(`${ORIGIN}/me?tab=2`);
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe('/auth/neverlose?returnTo=%2Fme%3Ftab%3D2');
    const post = await app.request(`${ORIGIN}/me`, { method: 'POST' });
    expect(post.status).toBe(401);
    const altered = await app.request(`${ORIGIN}/me`, {
      headers: { cookie: 'nl_session=abc.def' },
    });
    expect(altered.status).toBe(302);
  });

  it('refuses a sign-in that onLogin rejects, with 403', async () => {
    const app = appWith({
      onLogin: (profile) => (profile.id === USER.sub ? false : { id: profile.id }),
    });
    const { callback } = await signIn(app);
    expect(callback.status).toBe(403);
  });

  it('creates a client from a function once, on the first request, and retries a failure', async () => {
    let calls = 0;
    const app = new Hono<NeverloseEnv>();
    app.use(
      neverloseAuth({
        client: async () => {
          calls++;
          if (calls === 1) throw new Error('discovery down');
          return client;
        },
        secret: SECRET,
      }),
    );
    app.onError((_error, c) => c.text('down', 500));
    expect((await app.request(`${ORIGIN}/auth/neverlose`)).status).toBe(500);
    expect((await app.request(`${ORIGIN}/auth/neverlose`)).status).toBe(302);
    expect((await app.request(`${ORIGIN}/auth/neverlose`)).status).toBe(302);
    expect(calls).toBe(2);
  });

  it('checks its options when created, naming the field', () => {
    expect(() => neverloseAuth({ client, secret: 'short' })).toThrow(/"secret"/);
    expect(() => neverloseAuth({ client, secret: SECRET, loginPath: 'login' })).toThrow(
      /"loginPath"/,
    );
    expect(() => neverloseAuth({ client, secret: SECRET, sessionTtl: 0 })).toThrow(/"sessionTtl"/);
    expect(() => neverloseAuth({ client: {} as NeverloseClient, secret: SECRET })).toThrow(
      /"client"/,
    );
  });
});
