import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { debugEnabled } from '@neverlose-toolkit/internal/diagnostics';
import {
  authorize,
  defaultBehaviour,
  type ProviderBehaviour,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AuthorizationTransaction,
  createNeverloseClient,
  DIAGNOSTICS_CHANNEL,
  type NeverloseClientOptions,
  type NeverloseOidcDiagnostic,
} from '../src/index.js';
import { clientOptionsAt } from './support/client-options.js';

const REDIRECT = 'http://localhost:3000/auth/neverlose/callback';
/** The events of a first login that succeeds, in order. */
const LOGIN_EVENTS = [
  'oidc:discovery',
  'oidc:authorization-started',
  'oidc:callback',
  'oidc:jwks',
  'oidc:token',
  'oidc:userinfo',
];
let provider: TestProvider;

beforeAll(async () => {
  provider = await startProvider();
});
afterAll(() => provider.close());
beforeEach(() => {
  provider.behaviour = defaultBehaviour();
});
afterEach(() => {
  vi.restoreAllMocks();
});

function options(overrides: Partial<NeverloseClientOptions> = {}): NeverloseClientOptions {
  return clientOptionsAt(provider, { redirectUri: REDIRECT, ...overrides });
}

/** A client whose events are recorded, and a login with it. */
async function recorded(overrides: Partial<NeverloseClientOptions> = {}) {
  const events: NeverloseOidcDiagnostic[] = [];
  const client = await createNeverloseClient(
    options({ onDiagnostic: (event) => events.push(event), ...overrides }),
  );
  const login = async (returnTo?: string) => {
    const { url, transaction, binding } = await client.startAuthorization(
      returnTo ? { returnTo } : {},
    );
    return client.completeAuthorization(await authorize(url), transaction, binding);
  };
  return { client, events, login };
}

describe('events of a login', () => {
  it('reports discovery, start, callback, token, JWK Set and userinfo, tied by one stateHash', async () => {
    const { events, login } = await recorded();
    await login('/settings');
    expect(events.map((event) => event.type)).toEqual(LOGIN_EVENTS);
    const [discovery, started, callback, jwks, token, userinfo] = events;
    expect(discovery).toMatchObject({
      mode: 'discovery',
      status: 200,
      issuer: provider.issuer,
      clientId: provider.clientId,
    });
    expect(started).toMatchObject({
      redirectUri: REDIRECT,
      scope: 'openid profile email',
      pkce: true,
      returnTo: true,
    });
    expect(jwks).toMatchObject({ reason: 'first-use', status: 200 });
    expect(token).toMatchObject({ status: 200, idToken: true, expiresIn: 3600 });
    expect(userinfo).toMatchObject({ status: 200 });
    const hashes = [started, callback, token, userinfo].map((event) =>
      event !== undefined && 'stateHash' in event ? event.stateHash : undefined,
    );
    expect(hashes[0]).toMatch(/^[\w-]{12}$/);
    expect(new Set(hashes)).toEqual(new Set([hashes[0]]));
    for (const event of events) {
      expect(event.timestamp).toBeTypeOf('number');
      expect(Object.isFrozen(event)).toBe(true);
      if ('durationMs' in event) expect(event.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it.each<[string, Partial<ProviderBehaviour>, object]>([
    [
      'a refusal',
      { deny: true },
      { step: 'callback', code: 'ERR_ACCESS_DENIED', oauthError: 'access_denied' },
    ],
    [
      'a refused code',
      { tokenError: 'invalid_grant' },
      { step: 'token', code: 'ERR_INVALID_GRANT', status: 400, oauthError: 'invalid_grant' },
    ],
    [
      'a forged id_token',
      { idToken: 'bad-signature' },
      { step: 'token', code: 'ERR_ID_TOKEN_INVALID' },
    ],
    [
      'a failing userinfo endpoint',
      { userinfoStatus: 500 },
      { step: 'userinfo', code: 'ERR_USERINFO_FAILED', status: 500 },
    ],
  ])(
    'reports %s as oidc:failed with the step, the code and the status',
    async (_, behaviour, failed) => {
      const { events, login } = await recorded();
      Object.assign(provider.behaviour, behaviour);
      await expect(login()).rejects.toMatchObject({ code: (failed as { code: string }).code });
      const last = events.at(-1);
      expect(last).toMatchObject({ type: 'oidc:failed', ...failed, stateHash: expect.any(String) });
      if ((failed as { step: string }).step !== 'callback') {
        expect(last).toMatchObject({ durationMs: expect.any(Number) });
      }
    },
  );

  it('reports a failed discovery, and a bad returnTo at the start', async () => {
    const events: NeverloseOidcDiagnostic[] = [];
    await expect(
      createNeverloseClient(
        options({ issuer: 'http://127.0.0.1:9', onDiagnostic: (event) => events.push(event) }),
      ),
    ).rejects.toMatchObject({ code: 'ERR_NETWORK' });
    expect(events).toMatchObject([{ type: 'oidc:failed', step: 'discovery', code: 'ERR_NETWORK' }]);

    const { client, events: started } = await recorded();
    await expect(client.startAuthorization({ returnTo: '//evil.example' })).rejects.toThrow();
    expect(started.at(-1)).toMatchObject({
      type: 'oidc:failed',
      step: 'authorization',
      code: 'ERR_RETURN_TO_INVALID',
    });
  });

  it('reports a missing transaction with the hash of the callback’s state', async () => {
    const { client, events } = await recorded();
    const { url } = await client.startAuthorization();
    await expect(
      client.completeAuthorization(await authorize(url), undefined, 'a-binding'),
    ).rejects.toThrow();
    const started = events.find((event) => event.type === 'oidc:authorization-started');
    expect(events.at(-1)).toMatchObject({
      type: 'oidc:failed',
      step: 'callback',
      code: 'ERR_TRANSACTION_MISSING',
      stateHash: started && 'stateHash' in started ? started.stateHash : 'missing',
    });
  });

  it('ignores a hook that throws or rejects: the login completes', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      for (const onDiagnostic of [
        () => {
          throw new Error('hook failed');
        },
        () => Promise.reject(new Error('hook failed')),
      ]) {
        const { login } = await recorded({ onDiagnostic: onDiagnostic as () => void });
        expect((await login()).profile.id).toBe('1337');
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('refuses an onDiagnostic that is not a function, naming the option', async () => {
    await expect(
      createNeverloseClient(options({ onDiagnostic: 'log' as never })),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"onDiagnostic"'),
    });
  });
});

describe('the neverlose-oidc diagnostics channel', () => {
  it('carries the same events as onDiagnostic, without any hook', async () => {
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe(DIAGNOSTICS_CHANNEL, listener);
    try {
      const client = await createNeverloseClient(options());
      const { url, transaction, binding } = await client.startAuthorization();
      await client.completeAuthorization(await authorize(url), transaction, binding);
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNEL, listener);
    }
    expect(DIAGNOSTICS_CHANNEL).toBe('neverlose-oidc');
    expect(published.map((event) => (event as NeverloseOidcDiagnostic).type)).toEqual(LOGIN_EVENTS);
  });
});

describe('NODE_DEBUG=neverlose-oidc', () => {
  it('is read as util.debuglog reads it: a list, any case, with wildcards', () => {
    expect(debugEnabled('neverlose-oidc', 'neverlose-oidc')).toBe(true);
    expect(debugEnabled('neverlose-oidc', 'http, NEVERLOSE-OIDC')).toBe(true);
    expect(debugEnabled('neverlose-oidc', 'net,neverlose-*')).toBe(true);
    expect(debugEnabled('neverlose-oidc', 'neverlose-market')).toBe(false);
    expect(debugEnabled('neverlose-oidc', '')).toBe(false);
    expect(debugEnabled('neverlose-oidc', 'neverlose-oidc-extra')).toBe(false);
  });

  it('prints one line per event to stderr, as util.debuglog does', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => lines.push(String(line)));
    vi.stubEnv('NODE_DEBUG', 'neverlose-oidc');
    try {
      const client = await createNeverloseClient(options());
      const { url, transaction, binding } = await client.startAuthorization();
      await client.completeAuthorization(await authorize(url), transaction, binding);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(line).toMatch(new RegExp(`^NEVERLOSE-OIDC ${process.pid}: oidc:[a-z-]+ \\{.*\\}$`));
      expect(line).not.toContain('\n');
    }
    expect(lines[4]).toMatch(/oidc:token \{.*"status":200/);
  });
});

/** Every value a login must never leak, as the test sees them. */
interface Secrets {
  readonly values: Set<string>;
}

/** A `fetch` that records the tokens the token endpoint hands out, even when the login fails. */
function recordingFetch(secrets: Secrets): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith('/oauth/token')) {
      try {
        const body = (await response.clone().json()) as Record<string, unknown>;
        for (const key of ['access_token', 'id_token', 'refresh_token']) {
          if (typeof body[key] === 'string') secrets.values.add(body[key]);
        }
      } catch {
        // Not JSON: nothing to record.
      }
    }
    return response;
  };
}

function transactionSecrets(tx: AuthorizationTransaction): string[] {
  return [tx.state, tx.nonce, tx.codeVerifier].filter((v): v is string => v !== undefined);
}

/** Every 10-character piece of `secret`: a leak of part of a secret is a leak. */
function pieces(secret: string): string[] {
  const size = Math.min(10, secret.length);
  return Array.from({ length: secret.length - size + 1 }, (_, i) => secret.slice(i, i + size));
}

const SCENARIOS: Partial<ProviderBehaviour>[] = [
  {},
  { deny: true },
  { issParameter: 'wrong' },
  { issParameter: 'absent' },
  { tokenError: 'invalid_grant' },
  { tokenError: 'invalid_client' },
  { idToken: 'bad-signature' },
  { idToken: 'wrong-nonce' },
  { idToken: 'wrong-at-hash' },
  { idToken: 'alg-none' },
  { idToken: 'unknown-kid' },
  { userinfoSub: '9999' },
  { userinfoStatus: 401 },
];

describe('redaction', () => {
  it('never lets a secret, token, code, verifier, nonce or state into an event or a debug line', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => lines.push(String(line)));
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe(DIAGNOSTICS_CHANNEL, listener);
    vi.stubEnv('NODE_DEBUG', 'neverlose-oidc');
    // One client per authentication method; each run records its own secrets and events.
    let secrets: Secrets = { values: new Set() };
    const events: NeverloseOidcDiagnostic[] = [];
    const clients = {
      client_secret_basic: await createNeverloseClient(
        options({
          clientAuthentication: 'client_secret_basic',
          fetch: (input, init) => recordingFetch(secrets)(input, init),
          onDiagnostic: (event) => events.push(event),
        }),
      ),
      client_secret_post: await createNeverloseClient(
        options({
          clientAuthentication: 'client_secret_post',
          fetch: (input, init) => recordingFetch(secrets)(input, init),
          onDiagnostic: (event) => events.push(event),
        }),
      ),
    };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SCENARIOS),
          fc.constantFrom('client_secret_basic', 'client_secret_post'),
          fc.option(fc.webPath().map((path) => `/${path.replace(/^\/+/, '')}`)),
          fc.boolean(),
          async (behaviour, clientAuthentication, returnTo, replay) => {
            provider.behaviour = { ...defaultBehaviour(), ...behaviour };
            secrets = { values: new Set([provider.clientSecret]) };
            const client = clients[clientAuthentication];
            const started = await client
              .startAuthorization(returnTo === null ? {} : { returnTo })
              .catch(() => undefined);
            if (started === undefined) return; // a returnTo refused: nothing to leak yet
            for (const value of transactionSecrets(started.transaction)) secrets.values.add(value);
            secrets.values.add(started.binding);
            const callback = await authorize(started.url);
            const code = new URL(callback).searchParams.get('code');
            if (code !== null) secrets.values.add(code);
            const { transaction, binding } = started;
            await client.completeAuthorization(callback, transaction, binding).catch(() => {});
            if (replay) {
              await client.completeAuthorization(callback, transaction, binding).catch(() => {});
            }
            const emitted = [
              ...events.map((event) => JSON.stringify(event)),
              ...published.map((event) => JSON.stringify(event)),
              ...lines,
            ].join('\n');
            expect(events.length).toBeGreaterThan(2);
            for (const secret of secrets.values) {
              for (const piece of pieces(secret)) expect(emitted).not.toContain(piece);
            }
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      vi.unstubAllEnvs();
      unsubscribe(DIAGNOSTICS_CHANNEL, listener);
    }
  }, 60_000);
});
