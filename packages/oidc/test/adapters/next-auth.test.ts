import { describe, expect, it } from 'vitest';
import Neverlose, {
  guardNextAuthRoute,
  type NextAuthRoute,
  sameOriginRedirect,
} from '../../src/adapters/next-auth/index.js';
import { LEGACY_ENDPOINTS } from '../../src/index.js';

const ORIGIN = 'http://localhost:3000';

// next-auth v4 runs the provider in core-checks.test.ts (every refusal the core makes, through
// next-auth's own route) and end to end in the Next.js example's browser test; these pin the
// provider object it is given, and the route guard.
describe('neverlose-oidc/next-auth (next-auth v4)', () => {
  it('asks openid-client for PKCE, state and nonce, a verified id_token and the userinfo profile', () => {
    const provider = Neverlose({ clientId: 'app', clientSecret: 'secret' });
    expect(provider).toMatchObject({
      id: 'neverlose',
      type: 'oauth',
      wellKnown: 'https://neverlose.cc/.well-known/openid-configuration',
      issuer: 'https://neverlose.cc',
      idToken: true,
      checks: ['pkce', 'state', 'nonce'],
      authorization: { params: { scope: 'openid profile email' } },
      client: {
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    });
    expect(typeof (provider.userinfo as { request?: unknown }).request).toBe('function');
  });

  it('maps the userinfo claims with the core profile, cc.neverlose claims included', async () => {
    const provider = Neverlose({ clientId: 'app', clientSecret: 'secret' });
    const user = await provider.profile(
      {
        sub: '7',
        name: 'neo',
        email: 'neo@example.test',
        picture: 'javascript:alert(1)',
        'cc.neverlose.user_id': 7,
        'cc.neverlose.login': 'neo',
        'cc.neverlose.reg_date': '2020-01-02',
      },
      {},
    );
    expect(user).toEqual({
      id: '7',
      name: 'neo',
      email: 'neo@example.test',
      image: null,
      neverlose: {
        id: '7',
        userId: 7,
        username: 'neo',
        displayName: 'neo',
        email: 'neo@example.test',
        registrationDate: '2020-01-02',
      },
    });
  });

  it('uses the fixed endpoints, no id_token and no nonce in static-endpoint mode', () => {
    const provider = Neverlose({ clientId: 'app', clientSecret: 's', endpoints: LEGACY_ENDPOINTS });
    expect(provider).toMatchObject({
      idToken: false,
      checks: ['pkce', 'state'],
      authorization: { url: LEGACY_ENDPOINTS.authorization },
      token: { url: LEGACY_ENDPOINTS.token },
      userinfo: { url: LEGACY_ENDPOINTS.userinfo },
    });
    expect(provider).not.toHaveProperty('wellKnown');
  });

  // What openid-client v5 (under next-auth v4) throws from client.userinfo(), as it names them.
  it.each([
    [
      'a userinfo about another user than the id_token',
      Object.assign(new Error('userinfo sub mismatch, expected 1337, got: 42'), {
        name: 'RPError',
      }),
      { code: 'ERR_USERINFO_FAILED', message: expect.stringMatching(/different users/) },
    ],
    [
      'a refusal of the userinfo endpoint',
      Object.assign(new Error('invalid_token (expired)'), {
        name: 'OPError',
        error: 'invalid_token',
      }),
      { code: 'ERR_USERINFO_FAILED', oauthError: { error: 'invalid_token' } },
    ],
    [
      'a request that timed out',
      Object.assign(new Error('outgoing request timed out after 3500ms'), { name: 'RPError' }),
      { code: 'ERR_TIMEOUT' },
    ],
    [
      'a provider that cannot be reached',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      { code: 'ERR_NETWORK' },
    ],
  ])('reports %s with a code of neverlose-oidc', async (_, thrown, expected) => {
    const provider = Neverlose({ clientId: 'app', clientSecret: 'secret' });
    const { request } = provider.userinfo as {
      request: (context: { client: unknown; tokens: unknown }) => Promise<unknown>;
    };
    const client = { userinfo: () => Promise.reject(thrown) };
    await expect(request({ client, tokens: {} })).rejects.toMatchObject({
      ...expected,
      cause: thrown,
    });
  });

  it('checks its options on first use, not when created, naming the variable of a missing one', () => {
    // `next build` imports the configuration without the secrets.
    const unset = Neverlose({
      clientId: process.env['UNSET_CLIENT_ID'] as string,
      clientSecret: process.env['UNSET_CLIENT_SECRET'] as string,
    });
    expect(() => unset.clientId).toThrow(
      /Invalid option "clientId": must be a non-empty string; got undefined: set NEVERLOSE_CLIENT_ID/,
    );
    const noSecret = Neverlose({ clientId: 'app', clientSecret: '' });
    expect(() => noSecret.clientSecret).toThrow(/got an empty string: set NEVERLOSE_CLIENT_SECRET/);
    const badScopes = Neverlose({ clientId: 'a', clientSecret: 's', scopes: ['email'] });
    expect(() => badScopes.clientId).toThrow(/"scopes"/);
  });
});

describe('sameOriginRedirect (callbacks.redirect of next-auth v4)', () => {
  const baseUrl = 'https://app.example';
  it.each([
    ['/account?tab=2', 'https://app.example/account?tab=2'],
    ['https://app.example/account', 'https://app.example/account'],
    ['/café', 'https://app.example/caf%C3%A9'],
    ['https://evil.example/account', baseUrl],
    ['//evil.example/account', baseUrl],
    ['/\\evil.example', baseUrl],
    ['\\\\evil.example', baseUrl],
    ['javascript:alert(1)', baseUrl],
    ['https://app.example@evil.example/', baseUrl],
    ['/a\r\nSet-Cookie: x=1', baseUrl],
  ])('sends %s to %s', (url, expected) => {
    expect(sameOriginRedirect({ url, baseUrl })).toBe(expected);
  });
});

describe('guardNextAuthRoute (the App Router route of next-auth v4)', () => {
  /** The route around a handler that records what reached it. */
  function guarded() {
    const reached: string[] = [];
    const handler: NextAuthRoute = async (request) => {
      reached.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
      return new Response('next-auth');
    };
    const route = guardNextAuthRoute(handler);
    const call = (path: string, init: RequestInit = {}) =>
      route(new Request(`${ORIGIN}/api/auth/${path}`, init), {
        params: Promise.resolve({ nextauth: path.split('?')[0]?.split('/') ?? [] }),
      });
    return { reached, call };
  }
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('hands a request next-auth can answer to it, its body whole', async () => {
    const { reached, call } = guarded();
    const answer = await call('signin/neverlose', {
      method: 'POST',
      headers: form,
      body: 'csrfToken=abc&callbackUrl=%2Faccount',
    });
    expect(await answer.text()).toBe('next-auth');
    expect(reached).toEqual([
      'POST /api/auth/signin/neverlose csrfToken=abc&callbackUrl=%2Faccount',
    ]);
  });

  it.each([
    [
      'a JSON body that does not parse',
      'signin/neverlose',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"csrf' },
      400,
    ],
    [
      'a body over 16 KiB',
      'signin/neverlose',
      { method: 'POST', headers: form, body: 'a'.repeat(16 * 1024 + 1) },
      413,
    ],
    ['a callbackUrl that is not a URL', 'signin?callbackUrl=%5C%5Cevil.example', {}, 400],
    [
      'a callback-URL cookie that is not a URL',
      'session',
      { headers: { cookie: 'next-auth.callback-url=javascript%3Aalert(1)' } },
      400,
    ],
    ['an error code that is not a word', 'error?error=Callback%0d%0aX-Injected:%201', {}, 400],
    ['an error code in the path that is not a word', 'error/Call%20back', {}, 400],
  ] as const)('answers %s with %i, never reaching next-auth', async (_, path, init, status) => {
    const { reached, call } = guarded();
    const answer = await call(path, init as RequestInit);
    expect(answer.status).toBe(status);
    expect(reached).toEqual([]);
  });

  it('clears a callback-URL cookie that is not a URL, so that the next sign-in works', async () => {
    const { call } = guarded();
    const answer = await call('session', {
      headers: { cookie: '__Secure-next-auth.callback-url=%5C%5Cevil.example' },
    });
    expect(answer.headers.getSetCookie()).toEqual([
      '__Secure-next-auth.callback-url=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    ]);
  });
});
