import { randomBytes } from 'node:crypto';
import { cookiesOf } from '@neverlose-toolkit/test-support/cookies';
import { authorize, startProvider } from '@neverlose-toolkit/test-support/hostile-provider';
import {
  CLIENTS,
  type ReferenceProvider,
  signIn as signInAtReference,
  startReferenceProvider,
  USER,
} from '@neverlose-toolkit/test-support/reference-provider';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MemorySessionRevocationStore,
  type NeverloseEnv,
  type NeverloseHonoOptions,
  neverloseAuth,
  requireNeverloseUser,
  type SessionRevocationStore,
} from '../../src/adapters/hono/index.js';
import {
  createNeverloseClient,
  type NeverloseClient,
  NeverloseOidcError,
} from '../../src/index.js';
import { LOGIN_FAILURES } from '../support/login-failure-statuses.js';

// Logins run against oidc-provider (OpenID Certified); the one that needs a provider breaking a
// rule (an id_token whose at_hash is wrong) runs against the hostile one.
const ORIGIN = 'http://localhost:3000';
const CALLBACK = `${ORIGIN}/auth/neverlose/callback`;
/** The public origin of an app behind a TLS-terminating proxy, which it sees as plain HTTP. */
const PUBLIC = 'https://app.example';
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
  provider = await startReferenceProvider([CALLBACK, `${PUBLIC}/auth/neverlose/callback`]);
  client = await clientAt(provider.issuer, CLIENTS.basic);
});
afterAll(() => provider?.close());
beforeEach(() => {
  provider.decision = 'approve';
});

function appWith(options: Partial<NeverloseHonoOptions> = {}) {
  const app = new Hono<NeverloseEnv>();
  app.use(neverloseAuth({ client, secret: SECRET, publicUrl: ORIGIN, ...options }));
  app.get('/me', requireNeverloseUser(), (c) =>
    c.json({ user: c.var.neverloseUser, csrf: c.var.neverloseCsrfToken }),
  );
  app.post('/me', requireNeverloseUser(), (c) => c.text('ok'));
  return app;
}

async function signIn(
  app: Hono<NeverloseEnv>,
  returnTo = '/me',
  atProvider = (url: string) => signInAtReference(provider, url),
  origin = ORIGIN,
) {
  const start = await app.request(
    `${origin}/auth/neverlose?returnTo=${encodeURIComponent(returnTo)}`,
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
    expect(callback.headers.get('location')).toBe(`${ORIGIN}/me`);
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
    expect(out.headers.get('location')).toBe(`${ORIGIN}/bye`);
    expect(out.headers.getSetCookie()[0]).toMatch(/^nl_session=; Max-Age=0/);
  });

  it('sends a visitor without a session to the login with returnTo, and answers 401 to a POST', async () => {
    const app = appWith();
    const get = await app.request(`${ORIGIN}/me?tab=2`);
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe(`${ORIGIN}/auth/neverlose?returnTo=%2Fme%3Ftab%3D2`);
    const post = await app.request(`${ORIGIN}/me`, { method: 'POST' });
    expect(post.status).toBe(401);
    const altered = await app.request(`${ORIGIN}/me`, {
      headers: { cookie: 'nl_session=abc.def' },
    });
    expect(altered.status).toBe(302);
  });

  it('answers a callback replayed with its login cookie 400, as the provider refuses its code (invalid_grant)', async () => {
    const app = appWith();
    const { start, callbackUrl, callback } = await signIn(app);
    expect(callback.status).toBe(302);
    const replay = await app.request(callbackUrl, { headers: { cookie: cookiesOf(start) } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('invalid_grant');
  });

  it.each(LOGIN_FAILURES)(
    'answers a login failing with %s with the status of httpStatusOf (%s), as every surface does',
    async (code, status) => {
      const failing = Object.create(client, {
        startAuthorization: {
          value: async () => {
            throw new NeverloseOidcError(code, `failed with ${code}`);
          },
        },
      }) as NeverloseClient;
      const app = appWith({ client: failing });
      // Not a login failure (a bug, a bad configuration): Hono's error handler.
      app.onError((_error, c) => c.text('bug', 500));
      const answer = await app.request(`${ORIGIN}/auth/neverlose`);
      expect(answer.status).toBe(status ?? 500);
      expect(answer.headers.get('retry-after')).toBe(status === 503 ? '10' : null);
    },
  );

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
        publicUrl: ORIGIN,
      }),
    );
    app.onError((_error, c) => c.text('down', 500));
    expect((await app.request(`${ORIGIN}/auth/neverlose`)).status).toBe(500);
    expect((await app.request(`${ORIGIN}/auth/neverlose`)).status).toBe(302);
    expect((await app.request(`${ORIGIN}/auth/neverlose`)).status).toBe(302);
    expect(calls).toBe(2);
  });

  it('checks its options when created, naming the field', () => {
    const valid = { client, secret: SECRET, publicUrl: ORIGIN };
    expect(() => neverloseAuth({ ...valid, secret: 'short' })).toThrow(/"secret"/);
    expect(() => neverloseAuth({ ...valid, loginPath: 'login' })).toThrow(/"loginPath"/);
    expect(() => neverloseAuth({ ...valid, sessionTtl: 0 })).toThrow(/"sessionTtl"/);
    expect(() => neverloseAuth({ ...valid, client: {} as NeverloseClient })).toThrow(/"client"/);
    expect(() => neverloseAuth({ ...valid, publicUrl: 'https://app.example/base' })).toThrow(
      /"publicUrl".*origin only/,
    );
    expect(() => neverloseAuth({ ...valid, publicUrl: undefined as unknown as string })).toThrow(
      /"publicUrl".*got undefined: set PUBLIC_URL/,
    );
    expect(() =>
      neverloseAuth({ ...valid, sessionRevocations: {} as SessionRevocationStore }),
    ).toThrow(/"sessionRevocations"/);
  });
});

describe('neverloseAuth (Hono) behind a TLS-terminating proxy', () => {
  it('takes the redirect URI, every redirect and __Host- Secure cookies from publicUrl', async () => {
    // The proxy forwards plain HTTP to an inner address: nothing may come from it.
    const inner = 'http://10.0.0.7:8080';
    const app = appWith({ publicUrl: PUBLIC });
    const { start, callback } = await signIn(app, '/me', undefined, inner);
    const authorization = new URL(start.headers.get('location')!);
    expect(authorization.searchParams.get('redirect_uri')).toBe(
      `${PUBLIC}/auth/neverlose/callback`,
    );
    const transactionCookie = start.headers.getSetCookie()[0]!;
    expect(transactionCookie).toMatch(
      /^__Host-nl_login\.[\w-]+=.+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${PUBLIC}/me`);
    const sessionCookie = callback.headers
      .getSetCookie()
      .find((c) => c.startsWith('__Host-nl_session='));
    expect(sessionCookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);

    const cookie = cookiesOf(callback);
    const me = await app.request(`${inner}/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    // A cookie without the prefix (set over plain HTTP by a sibling host) is no session.
    const unprefixed = cookie.replace('__Host-nl_session=', 'nl_session=');
    const refused = await app.request(`${inner}/me?x=1`, { headers: { cookie: unprefixed } });
    expect(refused.headers.get('location')).toBe(`${PUBLIC}/auth/neverlose?returnTo=%2Fme%3Fx%3D1`);

    const { csrf } = (await me.json()) as { csrf: string };
    const out = await app.request(`${inner}/auth/neverlose/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.headers.get('location')).toBe(`${PUBLIC}/`);
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^__Host-nl_session=; Max-Age=0; Path=\/; Secure/,
    );
  });

  it('reads publicUrl from the context on the first request, naming PUBLIC_URL when it is missing', async () => {
    const app = new Hono<NeverloseEnv & { Bindings: { PUBLIC_URL?: string } }>();
    app.use(
      neverloseAuth({ client, secret: SECRET, publicUrl: (c) => c.env.PUBLIC_URL as string }),
    );
    app.get('/', (c) => c.text('home'));
    const errors: unknown[] = [];
    app.onError((error, c) => {
      errors.push(error);
      return c.text('misconfigured', 500);
    });
    expect((await app.request('/', {}, { PUBLIC_URL: PUBLIC })).status).toBe(200);
    const start = await app.request('/auth/neverlose', {}, { PUBLIC_URL: PUBLIC });
    expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toBe(
      `${PUBLIC}/auth/neverlose/callback`,
    );
    expect((await app.request('/', {}, {})).status).toBe(500);
    expect(String(errors[0])).toMatch(/"publicUrl".*got undefined: set PUBLIC_URL/);
  });
});

describe('neverloseAuth (Hono) sign-out and sessions', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function signedIn(app: Hono<NeverloseEnv>) {
    const { callback } = await signIn(app);
    const cookie = cookiesOf(callback);
    const me = await app.request(`${ORIGIN}/me`, { headers: { cookie } });
    const { csrf } = (await me.json()) as { csrf: string };
    return { cookie, csrf };
  }

  it('destroys the session on sign-out: a copy of its cookie taken before no longer opens', async () => {
    const app = appWith();
    const { cookie, csrf } = await signedIn(app);
    const out = await app.request(`${ORIGIN}/auth/neverlose/logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${csrf}`,
    });
    expect(out.status).toBe(303);
    const copy = await app.request(`${ORIGIN}/me`, { headers: { cookie } });
    expect(copy.status).toBe(302);
    // Another session of the same user is not touched.
    const other = await signedIn(app);
    expect((await app.request(`${ORIGIN}/me`, { headers: { cookie: other.cookie } })).status).toBe(
      200,
    );
  });

  it('reads a sign-out body no further than 4 KiB, even chunked without Content-Length', async () => {
    const app = appWith();
    const { cookie } = await signedIn(app);
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const out = await app.request(`${ORIGIN}/auth/neverlose/logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect(out.status).toBe(403);
    expect(pulled).toBeLessThanOrEqual(2 * chunk.byteLength);
    expect((await app.request(`${ORIGIN}/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('answers HEAD on the callback 405 without using the login, which GET then completes', async () => {
    const app = appWith();
    const start = await app.request(`${ORIGIN}/auth/neverlose`);
    const callbackUrl = await signInAtReference(provider, start.headers.get('location')!);
    const head = await app.request(callbackUrl, {
      method: 'HEAD',
      headers: { cookie: cookiesOf(start) },
    });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET');
    const get = await app.request(callbackUrl, { headers: { cookie: cookiesOf(start) } });
    expect(get.status).toBe(302);
  });

  it('answers 503 ERR_SESSION_STORE, never a session, when the revocations fail or hang', async () => {
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const revocations: SessionRevocationStore = {
      revoke: () => undefined,
      isRevoked: () =>
        mode === 'ok'
          ? false
          : mode === 'fail'
            ? Promise.reject(new Error('connection lost'))
            : new Promise<boolean>(() => undefined),
    };
    const codes: string[] = [];
    const app = appWith({
      sessionRevocations: revocations,
      renderError: (c, failure) => {
        codes.push(failure.code);
        return c.text(failure.message, failure.status);
      },
    });
    const { cookie } = await signedIn(app);
    mode = 'fail';
    expect((await app.request(`${ORIGIN}/me`, { headers: { cookie } })).status).toBe(503);
    mode = 'hang';
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const pending = app.request(`${ORIGIN}/me`, { headers: { cookie } });
    // The deadline starts once the cookie is open (Web Crypto, off the fake clock).
    await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1));
    await vi.advanceTimersByTimeAsync(5000);
    expect((await pending).status).toBe(503);
    expect(codes).toEqual(['ERR_SESSION_STORE', 'ERR_SESSION_STORE']);
  });
});

describe('MemorySessionRevocationStore', () => {
  it('forgets a revocation once its session expired, and refuses every older session when full', () => {
    let now = 1_000_000;
    const revocations = new MemorySessionRevocationStore({ maxEntries: 2, now: () => now });
    revocations.revoke('a', now + 10);
    revocations.revoke('b', now + 1000);
    expect(revocations.isRevoked('a', now - 5)).toBe(true);
    now += 20; // a expired: its entry makes room
    revocations.revoke('c', now + 1000);
    expect(revocations.isRevoked('c', now - 5)).toBe(true);
    expect(revocations.isRevoked('fresh', now - 5)).toBe(false);
    revocations.revoke('d', now + 1000); // full of live entries: everything sealed until now
    expect(revocations.isRevoked('fresh', now - 5)).toBe(true);
    expect(revocations.isRevoked('later', now + 5)).toBe(false);
  });
});
