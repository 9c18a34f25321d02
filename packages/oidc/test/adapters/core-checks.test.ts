import {
  authorize,
  defaultBehaviour,
  type ProviderBehaviour,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADAPTERS, type AdapterApp, Browser, hono, nextAuth, ORIGIN } from './apps.js';

// Every framework adapter refuses what the core refuses and signs in where the core does: the
// same modules (those of the OpenID Foundation's Basic and Config RP plans that apply to a code
// flow client, RFC 9207, state, replay, open redirects, odd methods) run on each adapter in its
// framework, against the hostile provider. A refusal signs nobody in, never answers 500 (a 502 or
// 503 is deliberate: the provider failed), and never sends the browser off the app's origin.

/** How the core answers a module: the expectation every adapter must meet. */
type Core = 'signs-in' | 'refuses';

const MODULES: readonly (readonly [string, Partial<ProviderBehaviour>, Core])[] = [
  ['an honest login', {}, 'signs-in'],
  ['a discovery document naming another issuer', { discovery: 'issuer-mismatch' }, 'refuses'],
  ['a discovery document without jwks_uri', { discovery: 'no-jwks-uri' }, 'refuses'],
  ['an id_token of another issuer (iss)', { idToken: 'wrong-iss' }, 'refuses'],
  ['an id_token for another client (aud)', { idToken: 'wrong-aud' }, 'refuses'],
  ['an id_token issued an hour ahead (iat)', { idToken: 'iat-future' }, 'refuses'],
  ['an id_token issued 20 s ahead (iat, within tolerance)', { idToken: 'iat-skewed' }, 'signs-in'],
  ['an id_token without iat', { idToken: 'missing-iat' }, 'refuses'],
  ['an id_token that expired (exp)', { idToken: 'expired' }, 'refuses'],
  ['an id_token without sub', { idToken: 'missing-sub' }, 'refuses'],
  ['an id_token with another nonce', { idToken: 'wrong-nonce' }, 'refuses'],
  ['an id_token without nonce', { idToken: 'missing-nonce' }, 'refuses'],
  ["an id_token whose at_hash is not the access token's", { idToken: 'wrong-at-hash' }, 'refuses'],
  ['an id_token whose signature does not verify', { idToken: 'bad-signature' }, 'refuses'],
  ['an unsigned id_token (alg none)', { idToken: 'alg-none' }, 'refuses'],
  [
    'an id_token MACed with the client secret (HS256)',
    { idToken: 'hs256-client-secret' },
    'refuses',
  ],
  ['an id_token signed with a key never published (kid)', { idToken: 'unknown-kid' }, 'refuses'],
  ['an id_token without kid, one key published', { idToken: 'kid-absent' }, 'signs-in'],
  [
    'an id_token without kid, several keys published',
    { idToken: 'kid-absent', jwks: 'extra-key' },
    'refuses',
  ],
  ['a token response without id_token', { idToken: 'absent' }, 'refuses'],
  ['a JWK Set that cannot be fetched', { jwksStatus: 500 }, 'refuses'],
  ['a userinfo about another user (sub)', { userinfoSub: '42' }, 'refuses'],
  ['a userinfo endpoint that fails', { userinfoStatus: 500 }, 'refuses'],
  ['a callback whose iss is another issuer (RFC 9207)', { issParameter: 'wrong' }, 'refuses'],
  [
    'a callback without iss, the provider announcing it (RFC 9207)',
    { issParameter: 'absent', announceIss: true },
    'refuses',
  ],
  ['a callback with iss, the provider announcing it', { announceIss: true }, 'signs-in'],
  ['a callback without iss, not announced', { issParameter: 'absent' }, 'signs-in'],
  ['a callback with another state', { stateParameter: 'wrong' }, 'refuses'],
  ['a callback without state', { stateParameter: 'absent' }, 'refuses'],
  ['a declined consent', { deny: true }, 'refuses'],
  [
    'a token endpoint refusing the code (invalid_grant)',
    { tokenError: 'invalid_grant' },
    'refuses',
  ],
  ['a token endpoint that fails (500)', { tokenFailure: 'server-error' }, 'refuses'],
  ['a token endpoint answering what is not JSON', { tokenFailure: 'invalid-json' }, 'refuses'],
];

/** A status a refusal may answer with: the visitor's fault (4xx, 3xx) or the provider's (502, 503). */
function deliberate(status: number): boolean {
  return status < 500 || status === 502 || status === 503;
}

/** Where a redirect goes, resolved against the app. */
function target(response: Response): URL | undefined {
  const location = response.headers.get('location');
  return location === null ? undefined : new URL(location, ORIGIN);
}

interface Login {
  readonly browser: Browser;
  readonly start: Response;
  readonly callbackUrl?: string;
  /** The browser as it was just before the callback (its cookies copied). */
  readonly before?: Browser;
  readonly callback?: Response;
  readonly signedIn: boolean;
}

/** A login in a fresh browser through the app's routes, approved at once by the provider. */
async function login(app: AdapterApp, returnTo?: string): Promise<Login> {
  const browser = new Browser(app.handle);
  const start = await app.start(browser, returnTo);
  const authorization = target(start);
  if (start.status < 300 || start.status > 399 || authorization?.origin === ORIGIN) {
    return { browser, start, signedIn: await app.signedIn(browser) };
  }
  const callbackUrl = await authorize(authorization as URL);
  const before = browser.copy();
  const callback = await browser.get(callbackUrl);
  return { browser, start, callbackUrl, before, callback, signedIn: await app.signedIn(browser) };
}

/** A refusal: nobody signed in, a deliberate answer, the browser kept on the app's origin. */
function expectRefused(outcome: Login): void {
  expect(outcome.signedIn).toBe(false);
  for (const response of [outcome.start, outcome.callback]) {
    if (response === undefined) continue;
    expect(response.status, `answered ${response.status}`).toSatisfy(deliberate);
  }
  if (outcome.callback !== undefined) {
    const next = target(outcome.callback);
    if (next !== undefined) expect(next.origin).toBe(ORIGIN);
  }
}

/** A hostile provider for the `describe` it is called in (next-auth's NEXTAUTH_URL set). */
function hostileProvider(): () => TestProvider {
  let provider: TestProvider | undefined;
  beforeAll(async () => {
    vi.stubEnv('NEXTAUTH_URL', ORIGIN);
    provider = await startProvider();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await provider?.close();
  });
  return () => provider as TestProvider;
}

describe.each(ADAPTERS)('the $name adapter', (surface) => {
  const provider = hostileProvider();
  beforeEach(() => {
    provider().behaviour = defaultBehaviour();
  });
  /** A new app: nothing discovered or cached from the module before. */
  const app = () => surface.create(provider());

  it.each(MODULES)('%s: as the core, it %s', async (_, behaviour, core) => {
    Object.assign(provider().behaviour, behaviour);
    const outcome = await login(app());
    if (core === 'signs-in') {
      expect(outcome.callback?.status, 'the callback answered').toBeLessThan(400);
      expect(outcome.signedIn).toBe(true);
    } else {
      expectRefused(outcome);
    }
  });

  it('refuses a login whose token endpoint never answers, once its timeout has passed', async () => {
    provider().behaviour.tokenFailure = 'hang';
    // The framework's own requests are held to the adapter's timeout too.
    expectRefused(await login(surface.create({ ...provider(), timeout: 1000 })));
  });

  it('signs in right after the provider rotates its signing key', async () => {
    const adapter = app();
    expect((await login(adapter)).signedIn).toBe(true);
    await provider().rotateSigningKey();
    expect((await login(adapter)).signedIn).toBe(true);
  });

  it('refuses a callback replayed with the cookies the browser had before it', async () => {
    const adapter = app();
    const first = await login(adapter);
    expect(first.signedIn).toBe(true);
    const attacker = first.before as Browser;
    const replay = await attacker.get(first.callbackUrl as string);
    expectRefused({ browser: attacker, start: first.start, callback: replay, signedIn: false });
    expect(await adapter.signedIn(attacker)).toBe(false);
  });

  it.each([
    'https://evil.example/account',
    '//evil.example/account',
    '/\\evil.example/account',
    '\\\\evil.example',
    'javascript:alert(1)',
    'http://localhost:3000@evil.example/',
  ])('ends a login asked to return to %s on its own origin, or refuses it', async (returnTo) => {
    const outcome = await login(app(), returnTo);
    if (outcome.callback === undefined) {
      // Refused before the provider: an error page of the app, or a 4xx.
      expect(outcome.start.status).toSatisfy(deliberate);
      expect(target(outcome.start)?.origin ?? ORIGIN).toBe(ORIGIN);
      expect(outcome.signedIn).toBe(false);
      return;
    }
    expect(outcome.signedIn).toBe(true);
    // Parsed as a browser parses Location (`\` is `/` in an http: URL).
    expect((target(outcome.callback) as URL).origin).toBe(ORIGIN);
  });

  it('answers HEAD and other methods on every route without a 500, and HEAD uses no login', async () => {
    const adapter = app();
    const browser = new Browser(adapter.handle);
    const start = await adapter.start(browser);
    const callbackUrl = await authorize(target(start) as URL);
    for (const path of adapter.routes) {
      for (const method of ['HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const url = path === adapter.callbackPath ? callbackUrl : `${ORIGIN}${path}`;
        const answer = await browser.copy().request(url, { method });
        expect(answer.status, `${method} ${path} answered ${answer.status}`).toSatisfy(deliberate);
        await answer.body?.cancel();
      }
    }
    // The pending login is still there: the browser's GET completes it.
    await browser.get(callbackUrl);
    expect(await adapter.signedIn(browser)).toBe(true);
  });
});

// Auth.js and better-auth leave bodies to their host: @auth/express reads at most 100 KB (Express's
// parsers); better-auth's Node handler bounds a declared Content-Length only (the examples bound
// every body). The next-auth route and the Hono middleware read bodies themselves.
describe.each([
  [nextAuth, ['/api/auth/signin/neverlose', '/api/auth/signout', '/api/auth/callback/neverlose']],
  [hono, ['/auth/neverlose/logout']],
] as const)('the $name adapter reading a POST body', (surface, paths) => {
  const provider = hostileProvider();

  it.each(
    paths.flatMap((path) =>
      ['application/x-www-form-urlencoded', 'application/json'].map((type) => [path, type]),
    ),
  )(
    'reads no more than 64 KiB of a 32 MiB body to %s (%s), chunked, and answers 4xx',
    async (path, type) => {
      const app = surface.create(provider());
      let pulled = 0;
      const chunk = new Uint8Array(16 * 1024).fill(0x61);
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= 32 * 1024 * 1024) return controller.close();
          pulled += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const answer = await app.handle(
        new Request(`${ORIGIN}${path}`, {
          method: 'POST',
          body,
          headers: { 'content-type': type, origin: ORIGIN },
          duplex: 'half',
        } as RequestInit),
      );
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(pulled).toBeLessThanOrEqual(64 * 1024);
    },
  );
});
