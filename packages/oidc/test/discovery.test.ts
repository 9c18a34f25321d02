import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNeverloseClient, NEVERLOSE_ISSUER } from '../src/index.js';

const ISSUER = NEVERLOSE_ISSUER;
const DOCUMENT = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/oauth/authorize`,
  token_endpoint: `${ISSUER}/oauth/token`,
  userinfo_endpoint: `${ISSUER}/oauth/oidc_userinfo`,
  jwks_uri: `${ISSUER}/oauth/jwks`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
};
const options = { clientId: 'app', clientSecret: 's3cret', redirectUri: 'https://app.example/cb' };

beforeAll(() => {
  nock.disableNetConnect();
});
// Files may share a worker: leave the network as this file found it.
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

describe('discovery', () => {
  it('reads https://neverlose.cc/.well-known/openid-configuration by default', async () => {
    const scope = nock(ISSUER).get('/.well-known/openid-configuration').reply(200, DOCUMENT);
    const client = await createNeverloseClient(options);
    expect(scope.isDone()).toBe(true);
    expect(client.mode).toBe('discovery');
    expect(client.issuer).toBe(ISSUER);
    const { url } = await client.startAuthorization();
    expect(url.origin + url.pathname).toBe(`${ISSUER}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe('app');
  });

  it('refuses a document whose issuer is another one', async () => {
    nock(ISSUER)
      .get('/.well-known/openid-configuration')
      .reply(200, { ...DOCUMENT, issuer: 'https://evil.example' });
    await expect(createNeverloseClient(options)).rejects.toMatchObject({
      code: 'ERR_DISCOVERY_FAILED',
    });
  });

  it('refuses a document without a userinfo endpoint', async () => {
    const { userinfo_endpoint: _, ...partial } = DOCUMENT;
    nock(ISSUER).get('/.well-known/openid-configuration').reply(200, partial);
    await expect(createNeverloseClient(options)).rejects.toMatchObject({
      code: 'ERR_DISCOVERY_FAILED',
      message: expect.stringContaining('userinfo_endpoint'),
    });
  });

  it('refuses a document without jwks_uri: the id_token signature could not be checked', async () => {
    const { jwks_uri: _, ...partial } = DOCUMENT;
    nock(ISSUER).get('/.well-known/openid-configuration').reply(200, partial);
    await expect(createNeverloseClient(options)).rejects.toMatchObject({
      code: 'ERR_DISCOVERY_FAILED',
      message: expect.stringContaining('"jwks_uri" is missing'),
    });
  });

  it('refuses a document whose jwks_uri is not https:', async () => {
    nock(ISSUER)
      .get('/.well-known/openid-configuration')
      .reply(200, { ...DOCUMENT, jwks_uri: 'http://neverlose.cc/oauth/jwks' });
    await expect(createNeverloseClient(options)).rejects.toMatchObject({
      code: 'ERR_DISCOVERY_FAILED',
      message: expect.stringContaining('"jwks_uri" is not an https: URL'),
    });
  });

  it('refuses a provider that does not offer S256 PKCE', async () => {
    nock(ISSUER)
      .get('/.well-known/openid-configuration')
      .reply(200, { ...DOCUMENT, code_challenge_methods_supported: ['plain'] });
    await expect(createNeverloseClient(options)).rejects.toMatchObject({
      code: 'ERR_DISCOVERY_FAILED',
    });
  });

  it('reports a 500 answer as ERR_DISCOVERY_FAILED', async () => {
    nock(ISSUER).get('/.well-known/openid-configuration').reply(500, 'oops');
    await expect(createNeverloseClient(options)).rejects.toMatchObject({
      code: 'ERR_DISCOVERY_FAILED',
    });
  });

  it('reports a connection failure as ERR_NETWORK', async () => {
    nock(ISSUER).get('/.well-known/openid-configuration').replyWithError('ECONNRESET');
    await expect(createNeverloseClient(options)).rejects.toMatchObject({ code: 'ERR_NETWORK' });
  });

  it('reports a slow provider as ERR_TIMEOUT', async () => {
    nock(ISSUER).get('/.well-known/openid-configuration').delay(1000).reply(200, DOCUMENT);
    await expect(createNeverloseClient({ ...options, timeout: 50 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    });
  });

  it('sends every request through the injected fetch', async () => {
    const seen: string[] = [];
    const client = await createNeverloseClient({
      ...options,
      fetch: async (input) => {
        seen.push(String(input));
        return Response.json(DOCUMENT);
      },
    });
    expect(client.issuer).toBe(ISSUER);
    expect(seen).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
  });
});
