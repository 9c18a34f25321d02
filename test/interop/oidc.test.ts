import {
  CLIENTS,
  type ReferenceClient,
  type ReferenceProvider,
  signIn,
  startReferenceProvider,
  USER,
} from '@neverlose-toolkit/test-support/reference-provider';
import { UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import {
  createNeverloseClient,
  isUserError,
  type NeverloseClient,
  type NeverloseClientOptions,
  type NeverloseOidcDiagnostic,
} from 'neverlose-oidc';
import * as openid from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const REDIRECT = 'http://127.0.0.1:3000/auth/neverlose/callback';
let provider: ReferenceProvider;

beforeAll(async () => {
  provider = await startReferenceProvider([REDIRECT]);
});
afterAll(() => provider?.close());
beforeEach(() => {
  provider.decision = 'approve';
});

function clientFor(
  { clientId, clientSecret }: ReferenceClient,
  options: Partial<NeverloseClientOptions> = {},
): Promise<NeverloseClient> {
  return createNeverloseClient({
    clientId,
    clientSecret,
    redirectUri: REDIRECT,
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
    ...options,
  });
}

async function login(client: NeverloseClient) {
  const { url, transaction, binding } = await client.startAuthorization({ returnTo: '/settings' });
  return client.completeAuthorization(await signIn(provider, url), transaction, binding);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('The login completed, but it should have been refused.');
    },
    (error: unknown) => error,
  );
}

describe('neverlose-oidc against oidc-provider (OpenID Certified), set up as Neverlose', () => {
  it.each([
    ['client_secret_basic', 'RS256', CLIENTS.basic, {}],
    ['client_secret_post', 'RS256', CLIENTS.post, { clientAuthentication: 'client_secret_post' }],
    ['client_secret_basic', 'ES256', CLIENTS.es256, {}],
  ] as const)('logs in with %s and an %s id_token', async (_, alg, registered, options) => {
    const client = await clientFor(registered, options);
    const result = await login(client);
    expect(result.claims).toMatchObject({
      iss: provider.issuer,
      aud: registered.clientId,
      sub: USER.sub,
    });
    expect(JSON.parse(atob(result.tokens.idToken!.split('.')[0]!))).toMatchObject({ alg });
    expect(result.profile).toMatchObject({
      id: '1337',
      userId: 1337,
      username: 'darth',
      email: 'darth@example.com',
      registrationDate: '2019-04-01',
      avatarUrl: USER.picture,
    });
    expect(result.returnTo).toBe('/settings');
    expect(result.tokens).not.toHaveProperty('refreshToken');
  });

  it('sends S256 PKCE, which the provider requires; it refuses plain', async () => {
    const client = await clientFor(CLIENTS.basic);
    const { url } = await client.startAuthorization();
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const plain = new URL(url);
    plain.searchParams.set('code_challenge_method', 'plain');
    const callback = new URL(await signIn(provider, plain));
    expect(callback.searchParams.get('error')).toBe('invalid_request');
  });

  it('requires the RFC 9207 iss parameter the provider announces, before any request', async () => {
    const client = await clientFor(CLIENTS.basic);
    for (const tamper of [
      (callback: URL) => callback.searchParams.delete('iss'),
      (callback: URL) => callback.searchParams.set('iss', 'https://neverlose.cc'),
    ]) {
      const { url, transaction, binding } = await client.startAuthorization();
      const callback = new URL(await signIn(provider, url));
      expect(callback.searchParams.get('iss')).toBe(provider.issuer);
      tamper(callback);
      const requests = provider.requests.length;
      const error = await failure(client.completeAuthorization(callback, transaction, binding));
      expect(error).toMatchObject({ code: 'ERR_ISSUER_MISMATCH' });
      expect(provider.requests.slice(requests)).toEqual([]);
    }
  });

  it('ties a login to the browser that started it: another browser signs nobody in, before any request', async () => {
    const client = await clientFor(CLIENTS.basic);
    const attacker = await client.startAuthorization();
    const victim = await client.startAuthorization();
    const callback = await signIn(provider, attacker.url);
    const requests = provider.requests.length;
    const crossed = client.completeAuthorization(callback, attacker.transaction, victim.binding);
    expect(await failure(crossed)).toMatchObject({ code: 'ERR_TRANSACTION_MISMATCH' });
    const cookieless = client.completeAuthorization(callback, undefined, undefined);
    expect(await failure(cookieless)).toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
    expect(provider.requests.slice(requests)).toEqual([]);
    const own = await client.completeAuthorization(
      callback,
      attacker.transaction,
      attacker.binding,
    );
    expect(own.profile.id).toBe(USER.sub);
  });

  it('refuses a tampered state with ERR_STATE_MISMATCH', async () => {
    const client = await clientFor(CLIENTS.basic);
    const { url, transaction, binding } = await client.startAuthorization();
    const callback = new URL(await signIn(provider, url));
    callback.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    expect(
      await failure(client.completeAuthorization(callback, transaction, binding)),
    ).toMatchObject({
      code: 'ERR_STATE_MISMATCH',
    });
  });

  it.each([
    ['client_secret_basic', CLIENTS.basic],
    ['client_secret_post', CLIENTS.post],
  ] as const)(
    'refuses a wrong secret sent with %s: ERR_INVALID_CLIENT',
    async (method, registered) => {
      const client = await clientFor(
        { ...registered, clientSecret: 'not-the-secret' },
        { clientAuthentication: method },
      );
      const error = await failure(login(client));
      expect(error).toMatchObject({
        code: 'ERR_INVALID_CLIENT',
        oauthError: { error: 'invalid_client' },
      });
      expect(isUserError(error)).toBe(false);
    },
  );

  it('refuses a replayed code with ERR_INVALID_GRANT, a user error', async () => {
    const client = await clientFor(CLIENTS.basic);
    const { url, transaction, binding } = await client.startAuthorization();
    const callback = await signIn(provider, url);
    await client.completeAuthorization(callback, transaction, binding);
    const error = await failure(client.completeAuthorization(callback, transaction, binding));
    expect(error).toMatchObject({
      code: 'ERR_INVALID_GRANT',
      oauthError: { error: 'invalid_grant' },
    });
    expect(isUserError(error)).toBe(true);
  });

  it('reports a refused consent as ERR_ACCESS_DENIED', async () => {
    provider.decision = 'deny';
    const error = await failure(login(await clientFor(CLIENTS.basic)));
    expect(error).toMatchObject({
      code: 'ERR_ACCESS_DENIED',
      oauthError: { error: 'access_denied' },
    });
  });

  it('reports prompt=none without a provider session as ERR_LOGIN_REQUIRED, and logs in silently with one', async () => {
    const client = await clientFor(CLIENTS.basic);
    const agent = new UserAgent();
    const silent = await client.startAuthorization({ extraParams: { prompt: 'none' } });
    const error = await failure(
      client.completeAuthorization(
        await signIn(provider, silent.url, agent),
        silent.transaction,
        silent.binding,
      ),
    );
    expect(error).toMatchObject({
      code: 'ERR_LOGIN_REQUIRED',
      oauthError: { error: 'login_required' },
    });
    expect(isUserError(error)).toBe(true);

    const first = await client.startAuthorization();
    await client.completeAuthorization(
      await signIn(provider, first.url, agent),
      first.transaction,
      first.binding,
    );
    const again = await client.startAuthorization({ extraParams: { prompt: 'none' } });
    const result = await client.completeAuthorization(
      await signIn(provider, again.url, agent),
      again.transaction,
      again.binding,
    );
    expect(result.profile.id).toBe('1337');
  });
});

describe('a key rotation after discovery', () => {
  let rotating: ReferenceProvider;
  beforeEach(async () => {
    rotating = await startReferenceProvider([REDIRECT]);
  });
  afterAll(() => rotating?.close());

  async function openidLogin(config: openid.Configuration) {
    const verifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const nonce = openid.randomNonce();
    const url = openid.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile',
      state,
      nonce,
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const callback = await signIn(rotating, url);
    return openid.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
  }

  it('makes openid-client refuse every login for a minute: its JWK Set is not fetched again sooner', async () => {
    const config = await openid.discovery(
      new URL(rotating.issuer),
      CLIENTS.basic.clientId,
      CLIENTS.basic.clientSecret,
      undefined,
      { execute: [openid.allowInsecureRequests] },
    );
    openid.enableNonRepudiationChecks(config);
    await openidLogin(config);
    await rotating.rotateKeys();
    await expect(openidLogin(config)).rejects.toMatchObject({ code: 'OAUTH_KEY_SELECTION_FAILED' });
    await expect(openidLogin(config)).rejects.toMatchObject({ code: 'OAUTH_KEY_SELECTION_FAILED' });
  });

  it('costs neverlose-oidc one fetch of the JWK Set, and no login', async () => {
    const events: NeverloseOidcDiagnostic[] = [];
    const client = await createNeverloseClient({
      clientId: CLIENTS.basic.clientId,
      clientSecret: CLIENTS.basic.clientSecret,
      redirectUri: REDIRECT,
      issuer: rotating.issuer,
      dangerouslyAllowInsecureHttp: true,
      onDiagnostic: (event) => events.push(event),
    });
    const loginAt = async () => {
      const { url, transaction, binding } = await client.startAuthorization();
      return client.completeAuthorization(await signIn(rotating, url), transaction, binding);
    };
    await loginAt();
    const before = rotating.kids;
    await rotating.rotateKeys();
    expect(rotating.kids).not.toEqual(before);
    const results = await Promise.all([loginAt(), loginAt()]);
    expect(results.map((result) => result.profile.id)).toEqual(['1337', '1337']);
    await loginAt();
    const jwks = events.filter((event) => event.type === 'oidc:jwks');
    expect(jwks.map((event) => event.reason)).toEqual(['first-use', 'unknown-kid']);
    expect(rotating.requests.filter((request) => request.path === '/jwks')).toHaveLength(2);
  });
});
