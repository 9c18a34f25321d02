import {
  authorize,
  defaultBehaviour,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createNeverloseClient,
  type NeverloseClient,
  type OidcJwksDiagnostic,
} from '../src/index.js';

const REDIRECT = 'http://localhost:3000/auth/neverlose/callback';
let provider: TestProvider;
let client: NeverloseClient;
let fetches: OidcJwksDiagnostic[];
let logStart: number;

beforeAll(async () => {
  provider = await startProvider();
});
beforeEach(async () => {
  provider.behaviour = defaultBehaviour();
  logStart = provider.log.length;
  fetches = [];
  client = await createNeverloseClient({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    redirectUri: REDIRECT,
    issuer: provider.issuer,
    dangerouslyAllowInsecureHttp: true,
    onDiagnostic: (event) => {
      if (event.type === 'oidc:jwks') fetches.push(event);
    },
  });
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => provider.close());

async function login() {
  const { url, transaction, binding } = await client.startAuthorization();
  return client.completeAuthorization(await authorize(url), transaction, binding);
}

function jwksRequests(): number {
  return provider.log.slice(logStart).filter((entry) => entry.path === '/oauth/jwks').length;
}

describe("the provider's JWK Set", () => {
  it('is fetched at the first login and then kept for the next ones', async () => {
    await login();
    await login();
    await login();
    expect(jwksRequests()).toBe(1);
    expect(fetches).toMatchObject([{ reason: 'first-use', status: 200 }]);
  });

  it('is fetched again at once for an id_token signed with a key it does not hold', async () => {
    await login();
    provider.behaviour.idToken = 'unknown-kid';
    await expect(login()).rejects.toMatchObject({
      code: 'ERR_ID_TOKEN_INVALID',
      message: expect.stringContaining('"key-never-published"'),
    });
    expect(jwksRequests()).toBe(2);
    expect(fetches.map((event) => event.reason)).toEqual(['first-use', 'unknown-kid']);
  });

  it('is fetched for an unknown key at most once per 10 seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await login();
    provider.behaviour.idToken = 'unknown-kid';
    await expect(login()).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_INVALID' });
    await expect(login()).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_INVALID' });
    vi.setSystemTime(Date.now() + 9_000);
    await expect(login()).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_INVALID' });
    expect(jwksRequests()).toBe(2);
    vi.setSystemTime(Date.now() + 1_000);
    await expect(login()).rejects.toMatchObject({ code: 'ERR_ID_TOKEN_INVALID' });
    expect(jwksRequests()).toBe(3);
  });

  it('is fetched once for logins that meet the same unknown key at the same time', async () => {
    await login();
    provider.behaviour.idToken = 'unknown-kid';
    const results = await Promise.allSettled([login(), login(), login()]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(jwksRequests()).toBe(2);
  });

  it('is fetched again once older than 5 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    await login();
    vi.setSystemTime(Date.now() + 5 * 60 * 1000);
    await login();
    expect(fetches.map((event) => event.reason)).toEqual(['first-use', 'expired']);
  });

  it('reports a JWK Set that cannot be fetched as ERR_ID_TOKEN_INVALID, and tries again later', async () => {
    provider.behaviour.jwksStatus = 500;
    await expect(login()).rejects.toMatchObject({
      code: 'ERR_ID_TOKEN_INVALID',
      message: expect.stringContaining('jwks_uri'),
    });
    provider.behaviour.jwksStatus = 200;
    expect((await login()).profile.id).toBe('1337');
  });
});
