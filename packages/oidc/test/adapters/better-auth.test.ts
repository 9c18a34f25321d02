import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  startProvider,
  type TestProvider,
} from '../../../../test/providers/hostile-provider.mjs';
import {
  CLIENTS,
  type ReferenceProvider,
  signIn,
  startReferenceProvider,
  USER,
} from '../../../../test/providers/reference-provider.js';
import { neverlose } from '../../src/adapters/better-auth/index.js';
import {
  createNeverloseClient,
  LEGACY_ENDPOINTS,
  type NeverloseOidcError,
} from '../../src/index.js';

// better-auth makes the token exchange and hands the tokens to getUserInfo: here the tokens of a
// real login at oidc-provider (OpenID Certified), and, for a userinfo about another user, of a
// login at the hostile provider.
const CALLBACK = 'http://localhost:3000/api/auth/callback/neverlose';
const refused: string[] = [];

interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The tokens of a login at `issuer`, as better-auth would hand them to getUserInfo. */
async function tokensOf(
  issuer: string,
  { clientId, clientSecret }: Credentials,
  atProvider: (url: URL) => Promise<string>,
): Promise<{ accessToken: string; idToken: string }> {
  const client = await createNeverloseClient({
    clientId,
    clientSecret,
    redirectUri: CALLBACK,
    issuer,
    dangerouslyAllowInsecureHttp: true,
  });
  const { url, transaction, binding } = await client.startAuthorization();
  const result = await client.completeAuthorization(await atProvider(url), transaction, binding);
  return { accessToken: result.tokens.accessToken, idToken: result.tokens.idToken! };
}

/** The better-auth entry of `issuer`, its refusals recorded in `refused`. */
function entryOf(issuer: string, { clientId, clientSecret }: Credentials) {
  return neverlose({
    clientId,
    clientSecret,
    issuer,
    dangerouslyAllowInsecureHttp: true,
    onError: (error: NeverloseOidcError) => refused.push(error.code),
  });
}

let provider: ReferenceProvider;
let tokens: { accessToken: string; idToken: string };
let config: ReturnType<typeof neverlose>;

beforeAll(async () => {
  provider = await startReferenceProvider([CALLBACK]);
  tokens = await tokensOf(provider.issuer, CLIENTS.basic, (url) => signIn(provider, url));
  config = entryOf(provider.issuer, CLIENTS.basic);
});
afterAll(() => provider?.close());
beforeEach(() => {
  refused.length = 0;
});

describe('neverlose-oidc/better-auth with the tokens of a login at oidc-provider', () => {
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
      id: USER.sub,
      sub: USER.sub,
      name: USER.name,
      email: USER.email,
      image: USER.picture,
      emailVerified: false,
      neverlose: {
        id: USER.sub,
        userId: USER['cc.neverlose.user_id'],
        username: USER['cc.neverlose.login'],
        registrationDate: USER['cc.neverlose.reg_date'],
      },
    });
  });

  it('refuses an id_token whose signature does not verify', async () => {
    const [header, payload] = tokens.idToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    await expect(config.getUserInfo({ ...tokens, idToken: forged })).resolves.toBe(null);
    expect(refused).toEqual(['ERR_ID_TOKEN_INVALID']);
  });
});

// oidc-provider puts no at_hash in the id_tokens of its token endpoint (OIDC Core makes it
// optional there); Neverlose's carry one, and so do the hostile provider's, which can also answer
// userinfo about another user.
describe('neverlose-oidc/better-auth with the tokens of a provider that breaks the rules', () => {
  let hostile: TestProvider;
  let hostileTokens: { accessToken: string; idToken: string };
  let entry: ReturnType<typeof neverlose>;
  beforeAll(async () => {
    hostile = await startProvider();
    hostileTokens = await tokensOf(hostile.issuer, hostile, authorize);
    entry = entryOf(hostile.issuer, hostile);
  });
  afterAll(() => hostile?.close());

  // better-auth verifies the signature, iss, aud, exp and nonce, but not at_hash.
  it('refuses an access token that is not the one the id_token was issued with (at_hash)', async () => {
    await expect(
      entry.getUserInfo({ ...hostileTokens, accessToken: 'another-token' }),
    ).resolves.toBe(null);
    expect(refused).toEqual(['ERR_ID_TOKEN_INVALID']);
  });

  it('refuses a userinfo about another user than the id_token', async () => {
    hostile.behaviour.userinfoSub = '42';
    await expect(entry.getUserInfo(hostileTokens)).resolves.toBe(null);
    expect(refused).toEqual(['ERR_USERINFO_FAILED']);
  });
});

describe('neverlose-oidc/better-auth options', () => {
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
