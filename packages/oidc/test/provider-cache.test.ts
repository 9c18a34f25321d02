import {
  authorize,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNeverloseClient,
  type NeverloseClient,
  type NeverloseClientOptions,
  type NeverloseOidcDiagnostic,
  type ProviderCache,
  validateClientOptions,
} from '../src/index.js';
import { clientOptionsAt } from './support/client-options.js';

// A serverless cold start: what a client learned from the provider (discovery, the JWK Set) is
// exported, kept by the platform, and handed to the next process's client, which then asks the
// provider for neither.

let provider: TestProvider;

beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider?.close());

const options = (extra: Partial<NeverloseClientOptions> = {}) => clientOptionsAt(provider, extra);

async function login(client: NeverloseClient) {
  const { url, transaction, binding } = await client.startAuthorization();
  return client.completeAuthorization(await authorize(url), transaction, binding);
}

/** The paths the provider served from now on, but the authorization endpoint's. */
function requestsFrom(start: number): string[] {
  return provider.log
    .slice(start)
    .map((entry) => entry.path)
    .filter((path) => path !== '/oauth/authorize');
}

/** A client's export after a login, through JSON as a platform store keeps it. */
async function exported(): Promise<ProviderCache> {
  const client = await createNeverloseClient(options());
  await login(client);
  return JSON.parse(JSON.stringify(client.exportProviderCache()));
}

describe('exportProviderCache and the providerCache option', () => {
  it('exports the discovery document and the JWK Set as plain JSON', async () => {
    const cache = await exported();
    expect(cache).toMatchObject({
      v: 1,
      issuer: provider.issuer,
      discovery: { issuer: provider.issuer, jwks_uri: `${provider.issuer}/oauth/jwks` },
      jwks: {
        uri: `${provider.issuer}/oauth/jwks`,
        keys: [expect.objectContaining({ kid: 'key-1', kty: 'RSA' })],
        fetchedAt: expect.any(Number),
      },
    });
    expect(JSON.stringify(cache.jwks?.keys)).not.toMatch(/"d":/);
  });

  it('logs in on a cold start with no discovery and no JWK Set request', async () => {
    const cache = await exported();
    const events: NeverloseOidcDiagnostic[] = [];
    const start = provider.log.length;
    const client = await createNeverloseClient(
      options({ providerCache: cache, onDiagnostic: (event) => events.push(event) }),
    );
    expect((await login(client)).profile.id).toBe('1337');
    expect(requestsFrom(start)).toEqual(['/oauth/token', '/oauth/oidc_userinfo']);
    expect(events[0]).toMatchObject({ type: 'oidc:discovery', cached: true, durationMs: 0 });
    expect(events.some((event) => event.type === 'oidc:jwks')).toBe(false);
  });

  it('still follows a key rotation: an id_token signed with a key the cache lacks fetches the set once', async () => {
    const cache = await exported();
    const { publicKey } = await generateKeyPair('RS256');
    const rotatedAway = {
      ...cache,
      jwks: {
        ...cache.jwks!,
        keys: [{ ...(await exportJWK(publicKey)), kid: 'retired', alg: 'RS256' }],
      },
    };
    const events: NeverloseOidcDiagnostic[] = [];
    const start = provider.log.length;
    const client = await createNeverloseClient(
      options({ providerCache: rotatedAway, onDiagnostic: (event) => events.push(event) }),
    );
    expect((await login(client)).profile.id).toBe('1337');
    expect(requestsFrom(start)).toEqual(['/oauth/token', '/oauth/jwks', '/oauth/oidc_userinfo']);
    expect(events.filter((event) => event.type === 'oidc:jwks')).toMatchObject([
      { reason: 'unknown-kid', status: 200 },
    ]);
    // The fresh set is what the next export holds.
    expect(client.exportProviderCache().jwks?.keys).toEqual([
      expect.objectContaining({ kid: 'key-1' }),
    ]);
  });

  it('fetches the JWK Set again when the cached one is older than 5 minutes', async () => {
    const cache = await exported();
    const stale = { ...cache, jwks: { ...cache.jwks!, fetchedAt: Date.now() - 6 * 60_000 } };
    const start = provider.log.length;
    const client = await createNeverloseClient(options({ providerCache: stale }));
    await login(client);
    expect(requestsFrom(start)).toContain('/oauth/jwks');
    expect(requestsFrom(start)).not.toContain('/.well-known/openid-configuration');
  });

  it.each([
    ['not an export', () => 'cache', /must be an object made by client.exportProviderCache/],
    ['another version', (c: ProviderCache) => ({ ...c, v: 2 }), /unknown format version/],
    [
      "another issuer's",
      (c: ProviderCache) => ({ ...c, issuer: 'https://evil.example' }),
      /belongs to the issuer "https:\/\/evil.example"/,
    ],
    [
      'a private key',
      (c: ProviderCache) => ({ ...c, jwks: { ...c.jwks!, keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }),
      /private or symmetric key/,
    ],
    [
      'keys without a time',
      (c: ProviderCache) => ({ ...c, jwks: { ...c.jwks!, fetchedAt: 'now' } }),
      /"jwks.fetchedAt"/,
    ],
  ])('refuses %s, naming the rule, before any request', async (_, tamper, rule) => {
    const tampered = tamper(await exported()) as ProviderCache;
    const start = provider.log.length;
    expect(() => validateClientOptions(options({ providerCache: tampered }))).toThrowError(rule);
    await expect(createNeverloseClient(options({ providerCache: tampered }))).rejects.toMatchObject(
      { code: 'ERR_INVALID_OPTION', message: expect.stringMatching(rule) },
    );
    expect(provider.log.slice(start)).toEqual([]);
  });

  it.each([
    [
      'names another issuer',
      (d: Record<string, unknown>) => ({ ...d, issuer: 'https://evil.example' }),
      /"issuer" is "https:\/\/evil.example"/,
    ],
    [
      'has no jwks_uri',
      ({ jwks_uri: _, ...d }: Record<string, unknown>) => d,
      /"jwks_uri" is missing/,
    ],
    [
      'offers no S256',
      (d: Record<string, unknown>) => ({ ...d, code_challenge_methods_supported: ['plain'] }),
      /S256/,
    ],
  ])('refuses a cached discovery document that %s, as a fetched one', async (_, tamper, rule) => {
    const cache = await exported();
    const tampered = { ...cache, discovery: tamper({ ...cache.discovery }) };
    await expect(createNeverloseClient(options({ providerCache: tampered }))).rejects.toMatchObject(
      { code: 'ERR_INVALID_OPTION', message: expect.stringMatching(rule) },
    );
  });

  it('refuses keys from another jwks_uri than the discovery document names', async () => {
    const cache = await exported();
    const elsewhere = { ...cache, jwks: { ...cache.jwks!, uri: 'http://127.0.0.1:1/keys' } };
    await expect(
      createNeverloseClient(options({ providerCache: elsewhere })),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('jwks_uri'),
    });
  });
});
