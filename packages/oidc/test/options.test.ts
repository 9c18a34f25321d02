import { describe, expect, it } from 'vitest';
import { createNeverloseClient, type NeverloseClientOptions } from '../src/index.js';

const base: NeverloseClientOptions = {
  clientId: 'app',
  clientSecret: 'secret',
  redirectUri: 'https://app.example/callback',
  endpoints: {
    authorization: 'https://auth2.neverlose.cc/oauth/authorize',
    token: 'https://auth2.neverlose.cc/oauth/token',
    userinfo: 'https://auth2.neverlose.cc/oauth/oidc_userinfo',
  },
};

async function configurationMessage(options: unknown): Promise<string> {
  try {
    await createNeverloseClient(options as NeverloseClientOptions);
  } catch (error) {
    expect(error).toMatchObject({ code: 'ERR_INVALID_OPTION', name: 'NeverloseOidcError' });
    return (error as Error).message;
  }
  throw new Error('createNeverloseClient accepted the options');
}

describe('option validation', () => {
  it.each([
    [{ ...base, clientId: '' }, /"clientId": must be a non-empty string/],
    [{ ...base, clientId: 42 }, /"clientId": must be a non-empty string; got a number/],
    [
      { ...base, clientId: undefined },
      /"clientId": must be a non-empty string; got undefined \(read from the environment\? set that variable, such as NEVERLOSE_CLIENT_ID\)/,
    ],
    [
      { ...base, clientSecret: '' },
      /"clientSecret": must be a non-empty string when given; got an empty string/,
    ],
    [{ ...base, redirectUri: '/callback' }, /"redirectUri": must be an absolute URL/],
    [{ ...base, redirectUri: 'http://app.example/cb' }, /"redirectUri": must use https/],
    [
      { ...base, redirectUri: 'https://app.example/cb#x' },
      /"redirectUri": must not have a fragment/,
    ],
    [{ ...base, redirectUri: 'ftp://app.example/cb' }, /"redirectUri": must be an https: URL/],
    [{ ...base, scopes: 'openid' }, /"scopes": must be an array/],
    [{ ...base, scopes: ['profile'] }, /"scopes": must include "openid"/],
    [{ ...base, scopes: ['openid', 'a b'] }, /"scopes": "a b" is not a scope token/],
    [{ ...base, issuer: 'http://neverlose.cc' }, /"issuer": must use https/],
    [{ ...base, issuer: 'not a url' }, /"issuer": must be an absolute URL/],
    [
      { ...base, endpoints: { ...base.endpoints, token: 'http://x.example/t' } },
      /"endpoints.token"/,
    ],
    [
      { ...base, clientAuthentication: 'private_key_jwt' },
      /"clientAuthentication": must be one of/,
    ],
    [
      { ...base, clientSecret: undefined, clientAuthentication: 'client_secret_basic' },
      /needs the clientSecret/,
    ],
    [{ ...base, clientAuthentication: 'none' }, /"none" cannot be used with a clientSecret/],
    [{ ...base, timeout: 0 }, /"timeout": must be a positive integer/],
    [{ ...base, transactionTtl: 1.5 }, /"transactionTtl"/],
    [{ ...base, fetch: 'fetch' }, /"fetch": must be a function/],
    [
      { ...base, dangerouslyAllowInsecureHttp: 'yes' },
      /"dangerouslyAllowInsecureHttp": must be a boolean/,
    ],
    [
      { ...base, redirectURI: 'https://x' },
      /"redirectURI": is not an option of createNeverloseClient; did you mean "redirectUri"\?/,
    ],
    [{ ...base, clinetSecret: 'x' }, /"clinetSecret": .*did you mean "clientSecret"\?/],
    [{ ...base, timeoutMs: 1000 }, /"timeoutMs": .*did you mean "timeout"\?/],
    [{ ...base, colour: 'blue' }, /"colour": is not an option of createNeverloseClient\.$/],
  ])('refuses %j', async (options, message) => {
    expect(await configurationMessage(options)).toMatch(message);
  });

  it('accepts http on a loopback redirect URI without the dangerous flag', async () => {
    const client = await createNeverloseClient({
      ...base,
      redirectUri: 'http://localhost:3000/cb',
    });
    const { url } = await client.startAuthorization();
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost:3000/cb');
  });

  it('needs a redirect URI from the options or from startAuthorization', async () => {
    const client = await createNeverloseClient({ ...base, redirectUri: undefined });
    await expect(client.startAuthorization()).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    const { transaction } = await client.startAuthorization({
      redirectUri: 'https://eu.app.example/callback',
    });
    expect(transaction.redirectUri).toBe('https://eu.app.example/callback');
  });

  it('refuses extra parameters that would override the protocol ones', async () => {
    const client = await createNeverloseClient(base);
    for (const name of [
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
      'redirect_uri',
      'scope',
    ]) {
      await expect(
        client.startAuthorization({ extraParams: { [name]: 'x' } }),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringContaining(name),
      });
    }
    const { url } = await client.startAuthorization({ extraParams: { prompt: 'consent' } });
    expect(url.searchParams.get('prompt')).toBe('consent');
  });

  it('drops state and PKCE only when the caller asks for no_state and no_pkce', async () => {
    const client = await createNeverloseClient({
      ...base,
      scopes: ['openid', 'no_state', 'no_pkce'],
    });
    const { url, transaction } = await client.startAuthorization();
    expect(url.searchParams.has('state')).toBe(false);
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(transaction.state).toBeUndefined();
    expect(transaction.codeVerifier).toBeUndefined();
  });

  it('refuses a hostile returnTo before building the URL', async () => {
    const client = await createNeverloseClient(base);
    await expect(client.startAuthorization({ returnTo: '//evil.example' })).rejects.toMatchObject({
      code: 'ERR_RETURN_TO_INVALID',
    });
  });
});
