import { randomBytes } from 'node:crypto';
import { Auth, type AuthConfig, setEnvDefaults } from '@auth/core';
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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Neverlose, { type NeverloseSessionUser } from '../../src/adapters/authjs/index.js';
import { LEGACY_ENDPOINTS } from '../../src/index.js';

const { customFetch } = await import('@auth/core');

declare module '@auth/core/types' {
  interface User {
    neverlose?: NeverloseSessionUser;
  }
}

// The honest sign-in runs against oidc-provider (OpenID Certified); the refusals need a provider
// that breaks a rule, the hostile one.
const ORIGIN = 'http://localhost:3000';
const CALLBACK = `${ORIGIN}/auth/callback/neverlose`;

/** Auth.js with the Neverlose provider of `client` at `issuer`, its routes under /auth. */
function authConfig(
  client: { clientId: string; clientSecret: string },
  issuer: string,
): AuthConfig {
  return {
    secret: randomBytes(32).toString('base64url'),
    trustHost: true,
    basePath: '/auth',
    logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    providers: [Neverlose({ ...client, issuer, dangerouslyAllowInsecureHttp: true })],
    callbacks: {
      jwt: ({ token, user }) => (user ? { ...token, neverlose: user.neverlose } : token),
      session: ({ session, token }) => ({ ...session, neverlose: token['neverlose'] }),
    },
  };
}

/** A cookie jar over Auth.js's answers. */
function jar() {
  const cookies = new Map<string, string>();
  return {
    take(response: Response) {
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      return response;
    },
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    has: (name: string) => (cookies.get(name) ?? '') !== '',
  };
}

/**
 * Signs in through Auth.js's own routes, `atProvider` signing in at the provider (it returns the
 * callback URL); returns where the callback redirected.
 */
async function signIn(
  config: AuthConfig,
  atProvider: (authorization: URL) => Promise<string>,
): Promise<{ location: string; signedIn: boolean; authorization: URL; session: unknown }> {
  const cookies = jar();
  const csrf = cookies.take(await Auth(new Request(`${ORIGIN}/auth/csrf`), config));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const start = cookies.take(
    await Auth(
      new Request(`${ORIGIN}/auth/signin/neverlose`, {
        method: 'POST',
        headers: { cookie: cookies.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrfToken, callbackUrl: `${ORIGIN}/home` }),
      }),
      config,
    ),
  );
  const authorization = new URL(start.headers.get('location')!);
  const callbackUrl = await atProvider(authorization);
  const callback = cookies.take(
    await Auth(new Request(callbackUrl, { headers: { cookie: cookies.header() } }), config),
  );
  const session = await Auth(
    new Request(`${ORIGIN}/auth/session`, { headers: { cookie: cookies.header() } }),
    config,
  );
  return {
    location: callback.headers.get('location') ?? '',
    signedIn: cookies.has('authjs.session-token'),
    authorization,
    session: await session.json(),
  };
}

describe('neverlose-oidc/authjs on @auth/core, at oidc-provider', () => {
  let provider: ReferenceProvider;
  let config: AuthConfig;
  beforeAll(async () => {
    provider = await startReferenceProvider([CALLBACK]);
    config = authConfig(CLIENTS.basic, provider.issuer);
  });
  afterAll(() => provider?.close());

  it('signs in with PKCE, state and nonce, and keeps the typed Neverlose profile', async () => {
    const result = await signIn(config, (authorization) =>
      signInAtReference(provider, authorization),
    );
    expect(result.authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(result.authorization.searchParams.get('nonce')).toBeTruthy();
    expect(result.authorization.searchParams.get('state')).toBeTruthy();
    expect(result.authorization.searchParams.get('scope')).toBe('openid profile email');
    expect(result).toMatchObject({ location: `${ORIGIN}/home`, signedIn: true });
    expect(result.session).toMatchObject({
      user: { name: USER.name, email: USER.email, image: USER.picture },
      neverlose: {
        id: USER.sub,
        userId: USER['cc.neverlose.user_id'],
        username: USER['cc.neverlose.login'],
        registrationDate: USER['cc.neverlose.reg_date'],
      },
    });
  });
});

describe('neverlose-oidc/authjs on @auth/core, at a provider that breaks the rules', () => {
  let provider: TestProvider;
  let config: AuthConfig;
  beforeAll(async () => {
    provider = await startProvider();
    config = authConfig(provider, provider.issuer);
  });
  afterAll(() => provider?.close());
  beforeEach(() => {
    provider.behaviour = defaultBehaviour();
  });

  // oauth4webapi, under Auth.js, checks neither the id_token signature nor at_hash:
  // the provider's profile() does, and a token that fails refuses the login.
  it.each(['bad-signature', 'wrong-at-hash', 'alg-none'] as const)(
    'refuses the login when the id_token is %s',
    async (idToken) => {
      provider.behaviour.idToken = idToken;
      const result = await signIn(config, authorize);
      expect(result.signedIn).toBe(false);
      expect(result.location).not.toBe(`${ORIGIN}/home`);
    },
  );

  it('refuses the login when the userinfo sub is not the id_token sub', async () => {
    provider.behaviour.userinfoSub = '42';
    const result = await signIn(config, authorize);
    expect(result.signedIn).toBe(false);
  });
});

describe('neverlose-oidc/authjs options', () => {
  it('is plain OAuth with PKCE and state in static-endpoint mode without jwks', () => {
    const legacy = Neverlose({ clientId: 'app', clientSecret: 's', endpoints: LEGACY_ENDPOINTS });
    expect(legacy).toMatchObject({
      type: 'oauth',
      checks: ['pkce', 'state'],
      token: LEGACY_ENDPOINTS.token,
      userinfo: LEGACY_ENDPOINTS.userinfo,
    });
  });

  it('checks its options on first use, not when created, naming the variable of a missing one', async () => {
    // A build imports the configuration without the secrets: creating the provider never throws.
    const firstFetch = async (options: Parameters<typeof Neverlose>[0]) => {
      const provider = Neverlose(options) as unknown as Record<symbol, typeof fetch>;
      return provider[customFetch]!('https://neverlose.cc/.well-known/openid-configuration');
    };
    await expect(firstFetch({})).rejects.toThrow(
      /Invalid option "clientId": must be a non-empty string; got undefined: set AUTH_NEVERLOSE_ID/,
    );
    await expect(firstFetch({ clientId: 'a' })).rejects.toThrow(/set AUTH_NEVERLOSE_SECRET/);
    await expect(
      firstFetch({ clientId: 'a', clientSecret: 's', scopes: ['profile'] }),
    ).rejects.toThrow(/"scopes"/);
    await expect(
      firstFetch({ clientId: 'a', clientSecret: 's', issuer: 'http://x.example' }),
    ).rejects.toThrow(/"issuer"/);
  });

  it('refuses a plain-HTTP provider URL that Auth.js would fetch, unless allowed', async () => {
    const provider = Neverlose({ clientId: 'a', clientSecret: 's' }) as unknown as Record<
      symbol,
      typeof fetch
    >;
    await expect(provider[customFetch]!('http://127.0.0.1:1/oauth/token')).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
  });
});

describe('neverlose-oidc/authjs reads AUTH_NEVERLOSE_* as Auth.js providers do', () => {
  let provider: TestProvider;
  beforeAll(async () => {
    provider = await startProvider();
  });
  afterAll(() => provider?.close());

  it('signs in with the client id and secret from AUTH_NEVERLOSE_ID and AUTH_NEVERLOSE_SECRET', async () => {
    const config: AuthConfig = {
      ...authConfig(provider, provider.issuer),
      providers: [Neverlose({ issuer: provider.issuer, dangerouslyAllowInsecureHttp: true })],
    };
    setEnvDefaults(
      { AUTH_NEVERLOSE_ID: provider.clientId, AUTH_NEVERLOSE_SECRET: provider.clientSecret },
      config,
    );
    expect(await signIn(config, authorize)).toMatchObject({ signedIn: true });
  });

  it('takes the issuer from AUTH_NEVERLOSE_ISSUER with providers: [Neverlose]', () => {
    const config: AuthConfig = { providers: [Neverlose] };
    setEnvDefaults(
      {
        AUTH_NEVERLOSE_ID: 'app',
        AUTH_NEVERLOSE_SECRET: 's',
        AUTH_NEVERLOSE_ISSUER: 'https://id.example',
      },
      config,
    );
    expect(config.providers[0]).toMatchObject({
      id: 'neverlose',
      clientId: 'app',
      clientSecret: 's',
      issuer: 'https://id.example',
    });
  });
});
