import { describe, expect, it } from 'vitest';
import Neverlose from '../../src/adapters/next-auth/index.js';
import { LEGACY_ENDPOINTS } from '../../src/index.js';

// next-auth v4 is exercised end to end by the Next.js example's browser test; these pin the
// provider object it is given.
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
      token: LEGACY_ENDPOINTS.token,
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

  it('checks its options when created, naming the field', () => {
    expect(() => Neverlose({ clientId: 'a', clientSecret: 's', scopes: ['email'] })).toThrow(
      /"scopes"/,
    );
  });
});
