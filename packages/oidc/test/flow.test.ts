import {
  authorize,
  defaultBehaviour,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createNeverloseClient,
  isUserError,
  type NeverloseClient,
  type NeverloseOidcErrorCode,
} from '../src/index.js';

const REDIRECT = 'http://localhost:3000/auth/neverlose/callback';
let provider: TestProvider;
let client: NeverloseClient;

beforeAll(async () => {
  provider = await startProvider();
  client = await createNeverloseClient({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: REDIRECT,
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
  });
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.behaviour = defaultBehaviour();
});

async function login(returnTo?: string) {
  const { url, transaction, binding } = await client.startAuthorization(
    returnTo ? { returnTo } : {},
  );
  const callback = await authorize(url);
  return client.completeAuthorization(callback, transaction, binding);
}

async function codeOf(promise: Promise<unknown>): Promise<NeverloseOidcErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code: NeverloseOidcErrorCode }).code;
  }
}

describe('a full login against a local provider', () => {
  it('returns the profile, the id_token claims, the tokens and returnTo', async () => {
    const result = await login('/settings?tab=1');
    expect(result.profile).toMatchObject({
      id: '1337',
      userId: 1337,
      username: 'darth',
      displayName: 'darth',
      email: 'darth@example.com',
      avatarUrl: 'https://neverlose.cc/static/avatars/1337.png',
      profileUrl: 'https://neverlose.cc/forum/members/1337',
      registrationDate: '2019-04-01',
    });
    expect(result.claims).toMatchObject({
      iss: provider.issuer,
      sub: '1337',
      aud: provider.clientId,
    });
    expect(result.tokens.accessToken).toEqual(expect.any(String));
    expect(result.tokens.idToken).toEqual(expect.any(String));
    expect(result.tokens.expiresAt).toBeGreaterThan(Date.now());
    expect(result.tokens).not.toHaveProperty('refreshToken');
    expect(result.returnTo).toBe('/settings?tab=1');
  });

  it('sends S256 PKCE, state and nonce, never plain', async () => {
    const { url, transaction } = await client.startAuthorization();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBe(transaction.state);
    expect(url.searchParams.get('nonce')).toBe(transaction.nonce);
    expect(url.searchParams.get('scope')).toBe('openid profile email');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
  });

  it('keeps the transaction plain JSON', async () => {
    const { transaction, binding } = await client.startAuthorization({ returnTo: '/a' });
    const copy = JSON.parse(JSON.stringify(transaction));
    expect(copy).toEqual(transaction);
    const callback = await authorize((await client.startAuthorization()).url);
    expect(await codeOf(client.completeAuthorization(callback, copy, binding))).toBe(
      'ERR_STATE_MISMATCH',
    );
  });

  it('completes two logins started in two tabs, in either order', async () => {
    const first = await client.startAuthorization({ returnTo: '/one' });
    const second = await client.startAuthorization({ returnTo: '/two' });
    const firstCallback = await authorize(first.url);
    const secondCallback = await authorize(second.url);
    const b = await client.completeAuthorization(
      secondCallback,
      second.transaction,
      second.binding,
    );
    const a = await client.completeAuthorization(firstCallback, first.transaction, first.binding);
    expect([a.returnTo, b.returnTo]).toEqual(['/one', '/two']);
  });

  it('fails with ERR_ACCESS_DENIED when the user refuses', async () => {
    provider.behaviour.deny = true;
    expect(await codeOf(login())).toBe('ERR_ACCESS_DENIED');
  });

  it('refuses a code that was already exchanged with ERR_INVALID_GRANT', async () => {
    const { url, transaction, binding } = await client.startAuthorization();
    const callback = await authorize(url);
    await client.completeAuthorization(callback, transaction, binding);
    expect(await codeOf(client.completeAuthorization(callback, transaction, binding))).toBe(
      'ERR_INVALID_GRANT',
    );
  });

  it('refuses a callback whose iss parameter names another issuer', async () => {
    provider.behaviour.issParameter = 'wrong';
    expect(await codeOf(login())).toBe('ERR_ISSUER_MISMATCH');
  });

  it('accepts a callback without the iss parameter', async () => {
    provider.behaviour.issParameter = 'absent';
    expect(await codeOf(login())).toBe('resolved');
  });

  it.each([
    ['wrong-aud', 'an aud that is another client'],
    ['wrong-iss', 'an iss that is another issuer'],
    ['wrong-nonce', 'a nonce that is not the transaction’s'],
    ['wrong-at-hash', 'an at_hash of another access token'],
    ['alg-none', 'alg none'],
    ['bad-signature', 'a signature by a key not in the JWKS'],
    ['expired', 'an exp in the past'],
    ['iat-future', 'an iat an hour in the future'],
    ['absent', 'no id_token at all (discovery mode requires one)'],
  ] as const)('refuses an id_token with %s (%s)', async (idToken, _why) => {
    provider.behaviour.idToken = idToken;
    expect(await codeOf(login())).toBe('ERR_ID_TOKEN_INVALID');
  });

  it('accepts an id_token whose iat is ahead by less than the clock tolerance', async () => {
    provider.behaviour.idToken = 'iat-skewed';
    expect(await codeOf(login())).toBe('resolved');
  });

  it('refuses a userinfo answer about another user', async () => {
    provider.behaviour.userinfoSub = '9999';
    expect(await codeOf(login())).toBe('ERR_USERINFO_FAILED');
  });

  it('reports a failing userinfo endpoint as ERR_USERINFO_FAILED', async () => {
    provider.behaviour.userinfoStatus = 500;
    expect(await codeOf(login())).toBe('ERR_USERINFO_FAILED');
  });

  it('reports a token endpoint error with the OAuth error code in the message', async () => {
    provider.behaviour.tokenError = 'invalid_request';
    await expect(login()).rejects.toMatchObject({
      code: 'ERR_TOKEN_EXCHANGE_FAILED',
      message: expect.stringContaining('invalid_request'),
    });
  });
});

describe('a provider that announces the iss callback parameter (RFC 9207)', () => {
  let announcing: TestProvider;
  let announcingClient: NeverloseClient;
  beforeAll(async () => {
    announcing = await startProvider({ announceIss: true });
    announcingClient = await createNeverloseClient({
      clientId: announcing.clientId,
      clientSecret: announcing.clientSecret,
      redirectUri: REDIRECT,
      issuer: announcing.issuer,
      dangerouslyAllowInsecureHttp: true,
    });
  });
  afterAll(() => announcing.close());

  it('refuses a callback without iss as a user error, before any token request', async () => {
    announcing.behaviour.issParameter = 'absent';
    const { url, transaction, binding } = await announcingClient.startAuthorization();
    const callback = await authorize(url);
    const requests = announcing.log.length;
    const error = await announcingClient
      .completeAuthorization(callback, transaction, binding)
      .catch((e) => e);
    expect(error).toMatchObject({
      code: 'ERR_ISSUER_MISMATCH',
      message: expect.stringContaining('no "iss"'),
    });
    expect(isUserError(error)).toBe(true);
    expect(announcing.log.slice(requests)).toEqual([]);
  });

  it('completes a callback that carries the right iss', async () => {
    announcing.behaviour.issParameter = 'correct';
    const { url, transaction, binding } = await announcingClient.startAuthorization();
    const result = await announcingClient.completeAuthorization(
      await authorize(url),
      transaction,
      binding,
    );
    expect(result.profile.id).toBe('1337');
  });
});

describe('client authentication at the token endpoint', () => {
  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    'reports a wrong secret sent with %s as ERR_INVALID_CLIENT, with the OAuth error',
    async (clientAuthentication) => {
      const wrong = await createNeverloseClient({
        clientId: provider.clientId,
        clientSecret: 'not-the-secret',
        clientAuthentication,
        redirectUri: REDIRECT,
        issuer: provider.issuer,
        dangerouslyAllowInsecureHttp: true,
      });
      const { url, transaction, binding } = await wrong.startAuthorization();
      const error = await wrong
        .completeAuthorization(await authorize(url), transaction, binding)
        .catch((e) => e);
      expect(error).toMatchObject({
        code: 'ERR_INVALID_CLIENT',
        oauthError: { error: 'invalid_client', errorDescription: 'Client authentication failed' },
      });
      expect(error.message).toMatch(/clientId, clientSecret and clientAuthentication/);
      expect(isUserError(error)).toBe(false);
    },
  );

  it('reports a wrong secret with the default method (client_secret_basic) the same way', async () => {
    const wrong = await createNeverloseClient({
      clientId: provider.clientId,
      clientSecret: 'not-the-secret',
      redirectUri: REDIRECT,
      issuer: provider.issuer,
      dangerouslyAllowInsecureHttp: true,
    });
    const { url, transaction, binding } = await wrong.startAuthorization();
    await expect(
      wrong.completeAuthorization(await authorize(url), transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT',
      message: expect.not.stringContaining('WWW-Authenticate'),
    });
  });
});

describe('static-endpoint mode (the April 2025 provider)', () => {
  let legacy: TestProvider;
  beforeAll(async () => {
    legacy = await startProvider({ legacy: true });
  });
  afterAll(() => legacy.close());

  it('logs in with no discovery and no id_token, profile from oidc_userinfo', async () => {
    const staticClient = await createNeverloseClient({
      clientId: legacy.clientId,
      clientSecret: legacy.clientSecret,
      redirectUri: REDIRECT,
      endpoints: {
        authorization: `${legacy.issuer}/oauth/authorize`,
        token: `${legacy.issuer}/oauth/token`,
        userinfo: `${legacy.issuer}/oauth/oidc_userinfo`,
      },
      issuer: legacy.issuer,
      clientAuthentication: 'client_secret_post',
      dangerouslyAllowInsecureHttp: true,
    });
    expect(staticClient.mode).toBe('static');
    const { url, transaction, binding } = await staticClient.startAuthorization();
    expect(url.searchParams.has('nonce')).toBe(false);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const result = await staticClient.completeAuthorization(
      await authorize(url),
      transaction,
      binding,
    );
    expect(result.claims).toBeUndefined();
    expect(result.tokens.idToken).toBeUndefined();
    expect(result.profile.id).toBe('1337');
    expect(result.profile.username).toBe('darth');
    expect(legacy.log.some((entry) => entry.path.includes('well-known'))).toBe(false);
  });
});
