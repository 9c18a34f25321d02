import { createHash, randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthorizationTransaction,
  callbackState,
  createNeverloseClient,
  createSealedCookieCodec,
  isUserError,
  LEGACY_ENDPOINTS,
  NEVERLOSE_ISSUER,
  type NeverloseClient,
} from '../src/index.js';

const AUTH = 'https://auth2.neverlose.cc';
const REDIRECT = 'https://app.example/auth/callback';
let client: NeverloseClient;

beforeAll(() => {
  nock.disableNetConnect();
});
// Files may share a worker: leave the network as this file found it.
afterAll(() => nock.enableNetConnect());
beforeEach(async () => {
  client = await createNeverloseClient({
    clientId: 'app',
    clientSecret: 's3cret',
    redirectUri: REDIRECT,
    endpoints: LEGACY_ENDPOINTS,
  });
});
afterEach(() => {
  nock.cleanAll();
});

function callbackFor(tx: AuthorizationTransaction, extra: Record<string, string> = {}): string {
  const url = new URL(REDIRECT);
  url.searchParams.set('code', 'the-code');
  if (tx.state) url.searchParams.set('state', tx.state);
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  return url.href;
}

function provider(expectBody?: (body: Record<string, string>) => boolean) {
  return nock(AUTH)
    .post('/oauth/token', expectBody ?? (() => true))
    .reply(200, {
      access_token: 'at-1',
      token_type: 'Bearer',
      expires_in: 60,
      scope: 'openid profile',
    })
    .get('/oauth/oidc_userinfo')
    .matchHeader('authorization', 'Bearer at-1')
    .reply(200, { sub: '42', preferred_username: 'neo', 'cc.neverlose.user_id': 42 });
}

describe('the browser binding', () => {
  it('comes with every login: 256 random bits, only its SHA-256 in the transaction', async () => {
    const first = await client.startAuthorization();
    const second = await client.startAuthorization();
    expect(first.binding).toMatch(/^[\w-]{43}$/);
    expect(second.binding).not.toBe(first.binding);
    expect(first.transaction.bindingHash).toBe(
      createHash('sha256').update(first.binding).digest('base64url'),
    );
    expect(JSON.stringify(first.transaction)).not.toContain(first.binding);
  });

  it('is required: without it the login is refused before any request, naming the likely causes', async () => {
    const { transaction } = await client.startAuthorization();
    for (const absent of [undefined, '']) {
      const error = await client
        .completeAuthorization(callbackFor(transaction), transaction, absent)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'ERR_TRANSACTION_MISSING',
        message: expect.stringMatching(/did not|without the cookie/),
      });
      expect((error as Error).message).toContain('localhost and 127.0.0.1');
      expect((error as Error).message).toContain('another browser');
      expect((error as Error).message).toContain('cookies are blocked');
      expect(isUserError(error)).toBe(true);
    }
  });

  it("refuses another browser's binding before any request: the callback is not this browser's login", async () => {
    const attacker = await client.startAuthorization();
    const victim = await client.startAuthorization();
    const error = await client
      .completeAuthorization(
        callbackFor(attacker.transaction),
        attacker.transaction,
        victim.binding,
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_TRANSACTION_MISMATCH',
      message: expect.stringContaining('another browser'),
    });
    expect(isUserError(error)).toBe(true);
  });

  it('is checked the same way for a transaction from a sealed cookie', async () => {
    const codec = createSealedCookieCodec({ secret: randomBytes(32).toString('base64url') });
    const started = await client.startAuthorization();
    const { transaction, binding } = await codec.open(await codec.seal(started));
    expect(binding).toBe(started.binding);
    const other = await client.startAuthorization();
    await expect(
      client.completeAuthorization(callbackFor(transaction), transaction, other.binding),
    ).rejects.toMatchObject({ code: 'ERR_TRANSACTION_MISMATCH' });
  });
});

describe('completeAuthorization before any request', () => {
  it('refuses a callback whose state is not the transaction’s', async () => {
    const { transaction, binding } = await client.startAuthorization();
    await expect(
      client.completeAuthorization(
        callbackFor(transaction, { state: 'forged' }),
        transaction,
        binding,
      ),
    ).rejects.toMatchObject({ code: 'ERR_STATE_MISMATCH' });
  });

  it('refuses a callback without state', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const url = new URL(callbackFor(transaction));
    url.searchParams.delete('state');
    await expect(client.completeAuthorization(url, transaction, binding)).rejects.toMatchObject({
      code: 'ERR_STATE_MISMATCH',
      message: expect.stringContaining('no "state"'),
    });
  });

  it('refuses a callback with no transaction', async () => {
    await expect(
      client.completeAuthorization(`${REDIRECT}?code=x&state=y`, undefined, 'a-binding'),
    ).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
    });
  });

  it('refuses a transaction that is not one of this package', async () => {
    await expect(
      client.completeAuthorization(
        `${REDIRECT}?code=x&state=y`,
        { state: 'y' } as never,
        'a-binding',
      ),
    ).rejects.toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
  });

  it('refuses a stored transaction whose redirectUri is not a URL, with a code', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const broken = { ...transaction, redirectUri: 'not a url' };
    await expect(
      client.completeAuthorization('/auth/callback?code=x', broken, binding),
    ).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISSING',
      message: expect.stringContaining('"redirectUri"'),
    });
  });

  it('refuses an expired transaction', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const stale = { ...transaction, expiresAt: Date.now() - 1 };
    await expect(
      client.completeAuthorization(callbackFor(stale), stale, binding),
    ).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_EXPIRED',
    });
  });

  it('refuses a transaction bound to another issuer or client', async () => {
    const { transaction, binding } = await client.startAuthorization();
    for (const other of [
      { ...transaction, issuer: 'https://evil.example' },
      { ...transaction, clientId: 'other-app' },
    ]) {
      await expect(
        client.completeAuthorization(callbackFor(other), other, binding),
      ).rejects.toMatchObject({
        code: 'ERR_TRANSACTION_MISMATCH',
      });
    }
  });

  it('refuses a callback that arrives at another redirect URI', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const elsewhere = callbackFor(transaction).replace('app.example', 'evil.example');
    await expect(
      client.completeAuthorization(elsewhere, transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_TRANSACTION_MISMATCH',
    });
  });

  it('refuses a callback with two codes', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const twice = `${callbackFor(transaction)}&code=second`;
    await expect(client.completeAuthorization(twice, transaction, binding)).rejects.toMatchObject({
      code: 'ERR_CALLBACK_INVALID',
    });
  });

  it('refuses a callback without code', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const url = new URL(callbackFor(transaction));
    url.searchParams.delete('code');
    await expect(client.completeAuthorization(url, transaction, binding)).rejects.toMatchObject({
      code: 'ERR_CALLBACK_INVALID',
    });
  });

  it.each([
    ['login_required', 'ERR_LOGIN_REQUIRED', true],
    ['consent_required', 'ERR_LOGIN_REQUIRED', true],
    ['interaction_required', 'ERR_LOGIN_REQUIRED', true],
    ['account_selection_required', 'ERR_LOGIN_REQUIRED', true],
    ['unauthorized_client', 'ERR_UNAUTHORIZED_CLIENT', false],
    ['temporarily_unavailable', 'ERR_TEMPORARILY_UNAVAILABLE', false],
    ['server_error', 'ERR_AUTHORIZATION_ERROR', false],
  ] as const)('reports a callback with error=%s as %s', async (oauth, code, userError) => {
    const { transaction, binding } = await client.startAuthorization();
    const url = callbackFor(transaction, { error: oauth });
    const error = await client
      .completeAuthorization(url, transaction, binding)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code, oauthError: { error: oauth } });
    expect(isUserError(error)).toBe(userError);
  });

  it('reports a provider error other than a refusal with its OAuth code', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const url = callbackFor(transaction, { error: 'invalid_scope', error_description: 'no' });
    await expect(client.completeAuthorization(url, transaction, binding)).rejects.toMatchObject({
      code: 'ERR_AUTHORIZATION_ERROR',
      oauthError: { error: 'invalid_scope', errorDescription: 'no' },
    });
  });

  it('quotes what the callback sent in messages: no line breaks or markup from a link', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const hostile = 'x"\r\nSet-Cookie: a=1\u2028<script>';
    const extras: Record<string, string>[] = [
      { error: hostile, error_description: hostile },
      { iss: hostile },
    ];
    for (const extra of extras) {
      const error = await client
        .completeAuthorization(callbackFor(transaction, extra), transaction, binding)
        .catch((e: Error) => e);
      expect(error).toMatchObject({ code: expect.stringMatching(/^ERR_/) });
      expect((error as Error).message).toMatch(/^[\x20-\x7e]+$/);
      expect((error as Error).message).toContain(
        'x\\"\\u000d\\u000aSet-Cookie: a=1\\u2028<script>',
      );
    }
  });

  it('refuses a transaction whose returnTo is not a same-origin path', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const forged = { ...transaction, returnTo: '//evil.example' };
    await expect(
      client.completeAuthorization(callbackFor(forged), forged, binding),
    ).rejects.toMatchObject({
      code: 'ERR_RETURN_TO_INVALID',
    });
  });

  it('reports a refusal as ERR_ACCESS_DENIED', async () => {
    const { transaction, binding } = await client.startAuthorization();
    const url = new URL(callbackFor(transaction, { error: 'access_denied' }));
    url.searchParams.delete('code');
    await expect(client.completeAuthorization(url, transaction, binding)).rejects.toMatchObject({
      code: 'ERR_ACCESS_DENIED',
      oauthError: { error: 'access_denied' },
    });
  });
});

describe('completeAuthorization with the provider', () => {
  it('sends the code, the PKCE verifier and the transaction’s redirect URI, with basic auth', async () => {
    const { transaction, binding } = await client.startAuthorization({ returnTo: '/home' });
    const scope = nock(AUTH)
      .post(
        '/oauth/token',
        (body) =>
          body.code === 'the-code' &&
          body.code_verifier === transaction.codeVerifier &&
          body.redirect_uri === REDIRECT &&
          body.grant_type === 'authorization_code' &&
          body.client_secret === undefined,
      )
      .matchHeader('authorization', `Basic ${Buffer.from('app:s3cret').toString('base64')}`)
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 60 })
      .get('/oauth/oidc_userinfo')
      .reply(200, { sub: '42', preferred_username: 'neo' });
    const result = await client.completeAuthorization(
      callbackFor(transaction),
      transaction,
      binding,
    );
    expect(scope.isDone()).toBe(true);
    expect(result.profile).toEqual({
      id: '42',
      username: 'neo',
      displayName: 'neo',
      claims: { sub: '42', preferred_username: 'neo' },
    });
    expect(result.returnTo).toBe('/home');
    expect(result.tokens).toMatchObject({
      accessToken: 'at-1',
      tokenType: 'bearer',
      expiresIn: 60,
    });
  });

  it('uses client_secret_post when asked', async () => {
    const postClient = await createNeverloseClient({
      clientId: 'app',
      clientSecret: 's3cret',
      redirectUri: REDIRECT,
      endpoints: LEGACY_ENDPOINTS,
      clientAuthentication: 'client_secret_post',
    });
    const { transaction, binding } = await postClient.startAuthorization();
    const scope = provider((body) => body.client_id === 'app' && body.client_secret === 's3cret');
    await postClient.completeAuthorization(callbackFor(transaction), transaction, binding);
    expect(scope.isDone()).toBe(true);
  });

  it('reads the callback from a path and query, or from a Request', async () => {
    const { transaction, binding } = await client.startAuthorization();
    provider();
    const path = new URL(callbackFor(transaction));
    const fromPath = await client.completeAuthorization(
      path.pathname + path.search,
      transaction,
      binding,
    );
    expect(fromPath.profile.userId).toBe(42);

    const second = await client.startAuthorization();
    provider();
    const request = new Request(callbackFor(second.transaction));
    expect(callbackState(request)).toBe(second.transaction.state);
    const fromRequest = await client.completeAuthorization(
      request,
      second.transaction,
      second.binding,
    );
    expect(fromRequest.profile.id).toBe('42');
  });

  it('reports a refused code (used, expired) as ERR_INVALID_GRANT, a user error, with the OAuth error', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH).post('/oauth/token').reply(400, { error: 'invalid_grant' });
    const error = await client
      .completeAuthorization(callbackFor(transaction), transaction, binding)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_INVALID_GRANT',
      oauthError: { error: 'invalid_grant' },
    });
    expect(isUserError(error)).toBe(true);
  });

  it.each([
    ['invalid_request', 'ERR_TOKEN_EXCHANGE_FAILED'],
    ['unsupported_grant_type', 'ERR_TOKEN_EXCHANGE_FAILED'],
    ['invalid_scope', 'ERR_TOKEN_EXCHANGE_FAILED'],
    ['server_error', 'ERR_TOKEN_EXCHANGE_FAILED'],
    ['unauthorized_client', 'ERR_UNAUTHORIZED_CLIENT'],
    ['temporarily_unavailable', 'ERR_TEMPORARILY_UNAVAILABLE'],
  ] as const)('reports a token endpoint %s as %s, with the OAuth error', async (oauth, code) => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH).post('/oauth/token').reply(400, { error: oauth, error_description: 'why' });
    const error = await client
      .completeAuthorization(callbackFor(transaction), transaction, binding)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code, oauthError: { error: oauth, errorDescription: 'why' } });
    expect(isUserError(error)).toBe(false);
  });

  it('reads invalid_client from a Basic challenge that carries it', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH).post('/oauth/token').reply(401, '', {
      'www-authenticate':
        'Basic realm="neverlose", error="invalid_client", error_description="bad secret"',
    });
    await expect(
      client.completeAuthorization(callbackFor(transaction), transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT',
      oauthError: { error: 'invalid_client', errorDescription: 'bad secret' },
      message: expect.stringContaining('client "app"'),
    });
  });

  it('reads invalid_client from the body when the challenge names no error', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH)
      .post('/oauth/token')
      .reply(
        401,
        { error: 'invalid_client', error_description: 'Client authentication failed.' },
        { 'www-authenticate': 'Basic realm="neverlose"' },
      );
    await expect(
      client.completeAuthorization(callbackFor(transaction), transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT',
      oauthError: { error: 'invalid_client', errorDescription: 'Client authentication failed.' },
    });
  });

  it('reports a challenge with no OAuth error anywhere as ERR_TOKEN_EXCHANGE_FAILED', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH)
      .post('/oauth/token')
      .reply(401, 'Unauthorized', { 'www-authenticate': 'Basic realm="neverlose"' });
    const error = await client
      .completeAuthorization(callbackFor(transaction), transaction, binding)
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXCHANGE_FAILED', oauthError: undefined });
  });

  it('reads the OAuth error of a userinfo challenge', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH)
      .post('/oauth/token')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })
      .get('/oauth/oidc_userinfo')
      .reply(401, '', {
        'www-authenticate': 'Bearer error="invalid_token", error_description="expired"',
      });
    await expect(
      client.completeAuthorization(callbackFor(transaction), transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_USERINFO_FAILED',
      oauthError: { error: 'invalid_token', errorDescription: 'expired' },
    });
  });

  it('reports an unreachable token endpoint as ERR_NETWORK', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH).post('/oauth/token').replyWithError('socket hang up');
    await expect(
      client.completeAuthorization(callbackFor(transaction), transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_NETWORK',
    });
  });

  it('reports a token endpoint slower than the timeout as ERR_TIMEOUT', async () => {
    const slowClient = await createNeverloseClient({
      clientId: 'app',
      clientSecret: 's3cret',
      redirectUri: REDIRECT,
      endpoints: LEGACY_ENDPOINTS,
      timeout: 50,
    });
    const { transaction, binding } = await slowClient.startAuthorization();
    nock(AUTH).post('/oauth/token').delay(1000).reply(200, {});
    await expect(
      slowClient.completeAuthorization(callbackFor(transaction), transaction, binding),
    ).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
  });

  it('reports a refused access token at userinfo as ERR_USERINFO_FAILED', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH)
      .post('/oauth/token')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer' })
      .get('/oauth/oidc_userinfo')
      .reply(401, { error: 'invalid_token' });
    await expect(
      client.completeAuthorization(callbackFor(transaction), transaction, binding),
    ).rejects.toMatchObject({
      code: 'ERR_USERINFO_FAILED',
    });
  });

  it('never exposes a refresh token, even if one comes', async () => {
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH)
      .post('/oauth/token')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt' })
      .get('/oauth/oidc_userinfo')
      .reply(200, { sub: '42' });
    const { tokens } = await client.completeAuthorization(
      callbackFor(transaction),
      transaction,
      binding,
    );
    expect(Object.values(tokens)).not.toContain('rt');
    expect(tokens).toEqual({ accessToken: 'at-1', tokenType: 'bearer' });
  });

  it('ignores an id_token it has no key to verify (static mode without jwks)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const unverifiable = await new SignJWT({ sub: 'admin' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(NEVERLOSE_ISSUER)
      .setAudience('app')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(privateKey);
    const { transaction, binding } = await client.startAuthorization();
    nock(AUTH)
      .post('/oauth/token')
      .reply(200, { access_token: 'at-1', token_type: 'Bearer', id_token: unverifiable })
      .get('/oauth/oidc_userinfo')
      .reply(200, { sub: '42' });
    const result = await client.completeAuthorization(
      callbackFor(transaction),
      transaction,
      binding,
    );
    expect(result.claims).toBeUndefined();
    expect(result.tokens.idToken).toBeUndefined();
    expect(result.profile.id).toBe('42');
  });
});
