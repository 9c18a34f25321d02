import { randomBytes } from 'node:crypto';
import { Auth, type AuthConfig } from '@auth/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  defaultBehaviour,
  startProvider,
  type TestProvider,
} from '../../../../test/providers/hostile-provider.mjs';
import Neverlose, { type NeverloseSessionUser } from '../../src/adapters/authjs/index.js';
import { LEGACY_ENDPOINTS } from '../../src/index.js';

declare module '@auth/core/types' {
  interface User {
    neverlose?: NeverloseSessionUser;
  }
}

const ORIGIN = 'http://localhost:3000';
let provider: TestProvider;
let config: AuthConfig;

beforeAll(async () => {
  provider = await startProvider();
  config = {
    secret: randomBytes(32).toString('base64url'),
    trustHost: true,
    basePath: '/auth',
    logger: { error: () => undefined, warn: () => undefined, debug: () => undefined },
    providers: [
      Neverlose({
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        issuer: provider.issuer,
        dangerouslyAllowInsecureHttp: true,
      }),
    ],
    callbacks: {
      jwt: ({ token, user }) => (user ? { ...token, neverlose: user.neverlose } : token),
    },
  };
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.behaviour = defaultBehaviour();
});

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

/** Signs in through Auth.js's own routes; returns where the callback redirected. */
async function signIn(): Promise<{ location: string; signedIn: boolean; authorization: URL }> {
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
  const callbackUrl = await authorize(authorization);
  const callback = cookies.take(
    await Auth(new Request(callbackUrl, { headers: { cookie: cookies.header() } }), config),
  );
  return {
    location: callback.headers.get('location') ?? '',
    signedIn: cookies.has('authjs.session-token'),
    authorization,
  };
}

describe('neverlose-oidc/authjs on @auth/core', () => {
  it('signs in with PKCE, state and nonce, and keeps the typed Neverlose profile', async () => {
    const result = await signIn();
    expect(result.authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(result.authorization.searchParams.get('nonce')).toBeTruthy();
    expect(result.authorization.searchParams.get('state')).toBeTruthy();
    expect(result.authorization.searchParams.get('scope')).toBe('openid profile email');
    expect(result).toMatchObject({ location: `${ORIGIN}/home`, signedIn: true });
  });

  // oauth4webapi, under Auth.js, checks neither the id_token signature nor at_hash:
  // the provider's profile() does, and a token that fails refuses the login.
  it.each(['bad-signature', 'wrong-at-hash', 'alg-none'] as const)(
    'refuses the login when the id_token is %s',
    async (idToken) => {
      provider.behaviour.idToken = idToken;
      const result = await signIn();
      expect(result.signedIn).toBe(false);
      expect(result.location).not.toBe(`${ORIGIN}/home`);
    },
  );

  it('refuses the login when the userinfo sub is not the id_token sub', async () => {
    provider.behaviour.userinfoSub = '42';
    const result = await signIn();
    expect(result.signedIn).toBe(false);
  });

  it('is plain OAuth with PKCE and state in static-endpoint mode without jwks', () => {
    const legacy = Neverlose({ clientId: 'app', clientSecret: 's', endpoints: LEGACY_ENDPOINTS });
    expect(legacy).toMatchObject({
      type: 'oauth',
      checks: ['pkce', 'state'],
      token: LEGACY_ENDPOINTS.token,
      userinfo: LEGACY_ENDPOINTS.userinfo,
    });
  });

  it('checks its options when created, naming the field', () => {
    expect(() => Neverlose({ clientId: '', clientSecret: 's' })).toThrow(/"clientId"/);
    expect(() => Neverlose({ clientId: 'a', clientSecret: '' })).toThrow(/"clientSecret"/);
    expect(() => Neverlose({ clientId: 'a', clientSecret: 's', scopes: ['profile'] })).toThrow(
      /"scopes"/,
    );
    expect(() =>
      Neverlose({ clientId: 'a', clientSecret: 's', issuer: 'http://x.example' }),
    ).toThrow(/"issuer"/);
  });
});
