import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  defaultBehaviour,
  startProvider,
  type TestProvider,
} from '../../../../test/providers/hostile-provider.mjs';
import { neverlose } from '../../src/adapters/better-auth/index.js';
import {
  createNeverloseClient,
  LEGACY_ENDPOINTS,
  type NeverloseOidcError,
} from '../../src/index.js';

let provider: TestProvider;
let tokens: { accessToken: string; idToken: string };
const refused: string[] = [];
let config: ReturnType<typeof neverlose>;

beforeAll(async () => {
  provider = await startProvider();
  // Real tokens of a login, as better-auth would hand them to getUserInfo.
  const client = await createNeverloseClient({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: 'http://localhost:3000/api/auth/callback/neverlose',
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
  });
  const { url, transaction } = await client.startAuthorization();
  const result = await client.completeAuthorization(await authorize(url), transaction);
  tokens = { accessToken: result.tokens.accessToken, idToken: result.tokens.idToken! };
  config = neverlose({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
    onError: (error: NeverloseOidcError) => refused.push(error.code),
  });
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.behaviour = defaultBehaviour();
  refused.length = 0;
});

describe('neverlose-oidc/better-auth', () => {
  it('is a genericOAuth entry with discovery, PKCE and required id_token verification', () => {
    expect(config).toMatchObject({
      providerId: 'neverlose',
      discoveryUrl: `${provider.issuer}/.well-known/openid-configuration`,
      requireIdTokenVerification: true,
      pkce: true,
      scopes: ['openid', 'profile', 'email'],
    });
  });

  it('returns the userinfo with better-auth fields and the typed profile', async () => {
    const info = await config.getUserInfo(tokens);
    expect(info).toMatchObject({
      id: '1337',
      sub: '1337',
      name: 'darth',
      email: 'darth@example.com',
      image: 'https://neverlose.cc/static/avatars/1337.png',
      emailVerified: false,
      neverlose: { id: '1337', userId: 1337, username: 'darth', registrationDate: '2019-04-01' },
    });
  });

  // better-auth verifies the signature, iss, aud, exp and nonce, but not at_hash.
  it('refuses an access token that is not the one the id_token was issued with (at_hash)', async () => {
    await expect(config.getUserInfo({ ...tokens, accessToken: 'another-token' })).resolves.toBe(
      null,
    );
    expect(refused).toEqual(['ERR_ID_TOKEN_INVALID']);
  });

  it('refuses an id_token whose signature does not verify', async () => {
    const [header, payload] = tokens.idToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await expect(config.getUserInfo({ ...tokens, idToken: forged })).resolves.toBe(null);
    expect(refused).toEqual(['ERR_ID_TOKEN_INVALID']);
  });

  it('refuses a userinfo about another user than the id_token', async () => {
    provider.behaviour.userinfoSub = '42';
    await expect(config.getUserInfo(tokens)).resolves.toBe(null);
    expect(refused).toEqual(['ERR_USERINFO_FAILED']);
  });

  it('uses the fixed endpoints and expects no id_token in static-endpoint mode', () => {
    const legacy = neverlose({ clientId: 'app', clientSecret: 's', endpoints: LEGACY_ENDPOINTS });
    expect(legacy).toMatchObject({
      authorizationUrl: LEGACY_ENDPOINTS.authorization,
      tokenUrl: LEGACY_ENDPOINTS.token,
      userInfoUrl: LEGACY_ENDPOINTS.userinfo,
    });
    expect(legacy).not.toHaveProperty('discoveryUrl');
  });

  it('checks its options when created, naming the field', () => {
    expect(() => neverlose({ clientId: 'a', clientSecret: 's', providerId: 'a/b' })).toThrow(
      /"providerId"/,
    );
    expect(() => neverlose({ clientId: ' ', clientSecret: 's' })).toThrow(/"clientId"/);
  });
});
