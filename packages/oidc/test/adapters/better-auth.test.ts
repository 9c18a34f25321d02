import {
  authorize,
  defaultBehaviour,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import {
  CLIENTS,
  type ReferenceProvider,
  signIn as signInAtReference,
  startReferenceProvider,
  USER,
} from '@neverlose-toolkit/test-support/reference-provider';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type NeverloseBetterAuthOptions,
  neverlose,
} from '../../src/adapters/better-auth/index.js';
import { LEGACY_ENDPOINTS, type NeverloseOidcError } from '../../src/index.js';

// better-auth runs here as an app runs it (its own routes, a memory database): the honest
// sign-ins and the key rotation at oidc-provider (OpenID Certified), the refusals at the hostile
// provider.
const ORIGIN = 'http://localhost:3000';
const CALLBACK = `${ORIGIN}/api/auth/callback/neverlose`;

interface Credentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** better-auth with the Neverlose plugin of `issuer`; refusals go to `refused`. */
function authAt(
  issuer: string,
  client: Credentials,
  refused: NeverloseOidcError[],
  extra: Partial<NeverloseBetterAuthOptions> = {},
) {
  return betterAuth({
    baseURL: ORIGIN,
    secret: 'a better-auth secret for these tests only, 32+ chars',
    database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    onAPIError: { errorURL: `${ORIGIN}/auth/error` },
    logger: { disabled: true },
    telemetry: { enabled: false },
    plugins: [
      neverlose({
        ...client,
        issuer,
        dangerouslyAllowInsecureHttp: true,
        onError: (error) => refused.push(error),
        ...extra,
      }),
    ],
  });
}

/** What `authClient.signIn.social({ provider: 'neverlose', callbackURL: '/home' })` sends. */
function signInRequest(): Request {
  return new Request(`${ORIGIN}/api/auth/sign-in/social`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ provider: 'neverlose', callbackURL: '/home' }),
  });
}

/**
 * A whole sign-in through better-auth's routes, `atProvider` signing in at the provider: where
 * the callback redirected, and whether a session was created.
 */
async function signInWith(
  auth: ReturnType<typeof authAt>,
  atProvider: (url: string) => Promise<string>,
): Promise<{ location: string; signedIn: boolean; user: Record<string, unknown> | undefined }> {
  const cookies = new Map<string, string>();
  const run = async (request: Request) => {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    request.headers.set('cookie', cookie);
    const response = await auth.handler(request);
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
  const start = await run(signInRequest());
  const { url } = (await start.json()) as { url: string };
  const callback = await run(new Request(await atProvider(url)));
  const session = await run(new Request(`${ORIGIN}/api/auth/get-session`));
  const body = (await session.json()) as { user?: Record<string, unknown> } | null;
  return {
    location: callback.headers.get('location') ?? '',
    signedIn: body?.user !== undefined,
    user: body?.user,
  };
}

describe('neverlose-oidc/better-auth at oidc-provider', () => {
  let provider: ReferenceProvider;
  const refused: NeverloseOidcError[] = [];
  beforeAll(async () => {
    provider = await startReferenceProvider([CALLBACK]);
  });
  afterAll(() => provider?.close());
  beforeEach(() => {
    refused.length = 0;
  });

  it('signs in through better-auth routes, with PKCE, state, nonce and the Neverlose profile', async () => {
    const auth = authAt(provider.issuer, CLIENTS.basic, refused);
    let authorization: URL | undefined;
    const result = await signInWith(auth, (url) => {
      authorization = new URL(url);
      return signInAtReference(provider, url);
    });
    expect(authorization?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization?.searchParams.get('nonce')).toBeTruthy();
    expect(authorization?.searchParams.get('scope')).toBe('openid profile email');
    expect(result).toMatchObject({ location: '/home', signedIn: true });
    expect(result.user).toMatchObject({ name: USER.name, email: USER.email, image: USER.picture });
    expect(refused).toEqual([]);
  });

  it('costs no failed login when the provider rotates its signing keys', async () => {
    const auth = authAt(provider.issuer, CLIENTS.basic, refused);
    const atProvider = (url: string) => signInAtReference(provider, url);
    expect((await signInWith(auth, atProvider)).signedIn).toBe(true);
    await provider.rotateKeys();
    expect((await signInWith(auth, atProvider)).signedIn).toBe(true);
    expect(refused).toEqual([]);
  });
});

describe('neverlose-oidc/better-auth at a provider that breaks the rules', () => {
  let provider: TestProvider;
  let announcing: TestProvider;
  const refused: NeverloseOidcError[] = [];
  beforeAll(async () => {
    provider = await startProvider();
    announcing = await startProvider({ announceIss: true });
  });
  afterAll(async () => {
    await provider?.close();
    await announcing?.close();
  });
  beforeEach(() => {
    provider.behaviour = defaultBehaviour();
    announcing.behaviour = defaultBehaviour();
    refused.length = 0;
  });

  it('signs in with the honest default', async () => {
    expect((await signInWith(authAt(provider.issuer, provider, refused), authorize)).signedIn).toBe(
      true,
    );
  });

  it.each([
    ['bad-signature', 'ERR_ID_TOKEN_INVALID'],
    ['wrong-at-hash', 'ERR_ID_TOKEN_INVALID'],
    ['wrong-nonce', 'ERR_ID_TOKEN_INVALID'],
    ['wrong-iss', 'ERR_ID_TOKEN_INVALID'],
    ['iat-future', 'ERR_ID_TOKEN_INVALID'],
    ['alg-none', 'ERR_ID_TOKEN_INVALID'],
    ['absent', 'ERR_ID_TOKEN_INVALID'],
  ] as const)('refuses the login when the id_token is %s', async (idToken, code) => {
    provider.behaviour.idToken = idToken;
    const result = await signInWith(authAt(provider.issuer, provider, refused), authorize);
    expect(result.signedIn).toBe(false);
    expect(result.location).toMatch(/^http:\/\/localhost:3000\/auth\/error\?error=/);
    expect(refused.map((error) => error.code)).toEqual([code]);
  });

  it('refuses a userinfo about another user than the id_token', async () => {
    provider.behaviour.userinfoSub = '42';
    const result = await signInWith(authAt(provider.issuer, provider, refused), authorize);
    expect(result.signedIn).toBe(false);
    expect(refused.map((error) => error.code)).toEqual(['ERR_USERINFO_FAILED']);
  });

  it('refuses a discovery document that names another issuer than the one configured, with 502', async () => {
    provider.behaviour.discovery = 'issuer-mismatch';
    const auth = authAt(provider.issuer, provider, refused);
    const start = await auth.handler(signInRequest());
    expect(start.status).toBe(502);
    expect(refused.map((error) => error.code)).toEqual(['ERR_DISCOVERY_FAILED']);
  });

  it('refuses a callback without iss from a provider that announces RFC 9207, before any token request', async () => {
    announcing.behaviour.issParameter = 'absent';
    const auth = authAt(announcing.issuer, announcing, refused);
    const result = await signInWith(auth, authorize);
    expect(result.signedIn).toBe(false);
    expect(result.location).toBe(`${ORIGIN}/auth/error?error=issuer_missing`);
    expect(refused.map((error) => error.code)).toEqual(['ERR_CALLBACK_INVALID']);
    expect(announcing.log.filter((entry) => entry.path === '/oauth/token')).toEqual([]);
  });

  it('refuses a callback whose iss names another issuer, and signs in with the right one', async () => {
    const auth = authAt(announcing.issuer, announcing, refused);
    announcing.behaviour.issParameter = 'wrong';
    expect((await signInWith(auth, authorize)).signedIn).toBe(false);
    announcing.behaviour.issParameter = 'correct';
    expect((await signInWith(auth, authorize)).signedIn).toBe(true);
  });
});

describe('neverlose-oidc/better-auth options', () => {
  it('checks its options on first use, not when created, naming the variable of a missing one', async () => {
    const refused: NeverloseOidcError[] = [];
    // A build imports the configuration without the secrets: creating it must not throw.
    const auth = authAt(
      'https://neverlose.cc',
      { clientId: process.env['UNSET_CLIENT_ID'] as string, clientSecret: 's' },
      refused,
    );
    const start = await auth.handler(signInRequest());
    expect(start.status).toBeGreaterThanOrEqual(400);
    expect(() => neverlose({ clientId: 'a', clientSecret: 's', providerId: 'a/b' })).toThrow(
      /"providerId"/,
    );
  });

  it('expects no id_token in static-endpoint mode', () => {
    expect(() =>
      neverlose({ clientId: 'app', clientSecret: 's', endpoints: LEGACY_ENDPOINTS }),
    ).not.toThrow();
  });
});
