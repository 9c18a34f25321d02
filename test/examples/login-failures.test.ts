import { randomBytes } from 'node:crypto';
import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import {
  defaultConfig,
  type FaultSpec,
  type RunningEmulator,
  startEmulator,
} from 'neverlose-emulator';
import { startExample as startExpressPassport } from 'neverlose-example-express-passport';
import { startExample as startWebStandard } from 'neverlose-example-web-standard';
import type { SessionRevocationStore, TransactionStore } from 'neverlose-oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAtEmulator } from '../support/sign-in.js';
import { EMULATOR_CLIENT, LOGIN_EXAMPLES, type LoginExample } from './login-examples.js';

// What Neverlose or the network does wrong is a deliberate 502 page naming the error code, what
// the visitor does a 4xx, and nobody is signed in either way: the examples answer every failed
// login with neverlose-oidc's httpStatusOf. The emulator injects the provider's failures (5xx,
// a reset connection); a hop in front of it, standing as the issuer, spoils the answers the
// emulator would never give (a token response that is not JSON, an id_token whose signature is
// not the provider's).

type Spoil = 'none' | 'not-json' | 'bad-id-token';
let spoil: Spoil = 'none';
let emulator: RunningEmulator;
let hop: Server;
let issuer: string;

/** Forwards everything to the emulator, spoiling the token endpoint's answer as `spoil` says. */
function startHop(upstream: () => number): Promise<Server> {
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://hop.invalid').pathname === '/oauth2/token';
    if (token && spoil === 'not-json') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json</html>');
      return;
    }
    const upstreamRequest = forward(
      {
        host: '127.0.0.1',
        port: upstream(),
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: `127.0.0.1:${upstream()}` },
      },
      (answer) => {
        if (!(token && spoil === 'bad-id-token')) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id_token: string };
          // Another signature over the same header and claims: not the provider's.
          const [header, claims] = body.id_token.split('.');
          body.id_token = `${header}.${claims}.${randomBytes(256).toString('base64url')}`;
          res.writeHead(answer.statusCode ?? 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        });
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    req.pipe(upstreamRequest);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  hop = await startHop(() => emulator.port);
  issuer = `http://127.0.0.1:${(hop.address() as AddressInfo).port}`;
  const redirectUris: string[] = [];
  emulator = await startEmulator({ publicUrl: issuer, config: defaultConfig({ redirectUris }) });
});
afterAll(async () => {
  hop?.closeAllConnections();
  await new Promise((resolve) => hop?.close(resolve));
  await emulator?.stop();
});

/** A fresh example (its client not created yet, no JWK Set fetched), registered at the emulator. */
async function startFresh(example: LoginExample) {
  const app = await example.start({ issuer, sessionSecret: randomBytes(32).toString('base64url') });
  emulator.reset(defaultConfig({ redirectUris: [`${app.url}${example.callbackPath}`] }));
  return app;
}

/** Whether the browser is signed in: a protected page opens, instead of the login. */
async function signedIn(browser: UserAgent, appUrl: string): Promise<boolean> {
  return (await browser.get(`${appUrl}/profile`)).status === 200;
}

interface ProviderFailure {
  readonly what: string;
  readonly code: string;
  /** Installed once the login reached the provider's sign-in, before the callback. */
  readonly fault?: FaultSpec;
  readonly spoil?: Spoil;
}

const PROVIDER_FAILURES: readonly ProviderFailure[] = [
  {
    what: 'the token endpoint answers 500',
    code: 'ERR_TOKEN_EXCHANGE_FAILED',
    fault: { path: '/oauth2/token', kind: 'error5xx', status: 500, count: 1 },
  },
  {
    what: 'the token endpoint answers no JSON',
    code: 'ERR_TOKEN_EXCHANGE_FAILED',
    spoil: 'not-json',
  },
  {
    what: 'the token endpoint resets the connection',
    code: 'ERR_NETWORK',
    fault: { path: '/oauth2/token', kind: 'reset', count: 1 },
  },
  {
    what: 'the id_token signature is not the provider’s',
    code: 'ERR_ID_TOKEN_INVALID',
    spoil: 'bad-id-token',
  },
  {
    what: 'the JWK Set cannot be fetched',
    code: 'ERR_ID_TOKEN_INVALID',
    fault: { path: '/.well-known/jwks.json', kind: 'error5xx', status: 503, count: 5 },
  },
  {
    what: 'userinfo answers 500',
    code: 'ERR_USERINFO_FAILED',
    fault: { path: '/oauth2/userinfo', kind: 'error5xx', status: 500, count: 1 },
  },
];

describe.each(LOGIN_EXAMPLES)('$name: a failed login', (example) => {
  it.each(PROVIDER_FAILURES)(
    'answers a 502 page naming the code, and signs nobody in, when $what',
    async ({ code, fault, spoil: spoiled }) => {
      const app = await startFresh(example);
      try {
        const browser = new UserAgent();
        const start = await browser.get(`${app.url}${example.loginPath}`);
        const callback = new URL(await signInAtEmulator(await locationOf(start), 'alice'));
        if (fault !== undefined) emulator.addFault(fault);
        spoil = spoiled ?? 'none';
        const answer = await browser.get(`${app.url}${callback.pathname}${callback.search}`);
        spoil = 'none';
        emulator.clearFaults();
        expect(answer.status).toBe(502);
        expect(await answer.text()).toContain(code);
        expect(await signedIn(browser, app.url)).toBe(false);
      } finally {
        spoil = 'none';
        await app.close();
      }
    },
  );

  it.skipIf(!example.lazyClient)(
    'answers a 502 page when discovery fails at the first login, and logs in once it is back',
    async () => {
      const app = await startFresh(example);
      try {
        emulator.addFault({
          path: '/.well-known/openid-configuration',
          kind: 'error5xx',
          status: 500,
          count: 1,
        });
        const browser = new UserAgent();
        const broken = await browser.get(`${app.url}${example.loginPath}`);
        expect(broken.status).toBe(502);
        expect(await broken.text()).toContain('ERR_DISCOVERY_FAILED');
        const start = await browser.get(`${app.url}${example.loginPath}`);
        const callback = new URL(await signInAtEmulator(await locationOf(start), 'alice'));
        await browser.get(`${app.url}${callback.pathname}${callback.search}`);
        expect(await signedIn(browser, app.url)).toBe(true);
      } finally {
        emulator.clearFaults();
        await app.close();
      }
    },
  );

  it("answers 400 for the login's callback in another browser, 403 for a refused consent", async () => {
    const app = await startFresh(example);
    try {
      const attacker = new UserAgent();
      const start = await attacker.get(`${app.url}${example.loginPath}`);
      const callback = new URL(await signInAtEmulator(await locationOf(start), 'alice'));
      const victim = new UserAgent();
      const foreign = await victim.get(`${app.url}${callback.pathname}${callback.search}`);
      expect(foreign.status).toBe(400);
      expect(await foreign.text()).toContain('ERR_TRANSACTION_MISSING');
      expect(await signedIn(victim, app.url)).toBe(false);

      const declining = new UserAgent();
      const again = await declining.get(`${app.url}${example.loginPath}`);
      const denied = new URL(await signInAtEmulator(await locationOf(again), 'alice', 'deny'));
      const refused = await declining.get(`${app.url}${denied.pathname}${denied.search}`);
      expect(refused.status).toBe(403);
      expect(await signedIn(declining, app.url)).toBe(false);
    } finally {
      await app.close();
    }
  });
});

/** A store that fails every call with `error`. */
const failingStore = (error: Error): TransactionStore => ({
  set: () => Promise.reject(error),
  take: () => Promise.reject(error),
});

const STORE_FAILURES = [
  {
    what: 'full',
    // neverlose-postgres's store throws its own error class with neverlose-oidc's code.
    error: Object.assign(new Error('100000 logins are in flight.'), {
      code: 'ERR_TRANSACTION_STORE_FULL',
    }),
  },
  {
    what: 'unreachable',
    // neverlose-redis's and neverlose-postgres's errors carry the store-failure mark.
    error: Object.assign(new Error('No answer from Redis: connect ECONNREFUSED 10.0.0.7:6379.'), {
      code: 'ERR_REDIS_UNAVAILABLE',
      [Symbol.for('neverlose.store-failure')]: true,
    }),
  },
];

describe.each([
  {
    name: 'express-passport',
    loginPath: '/auth/neverlose',
    start: (store: TransactionStore) =>
      startExpressPassport({
        ...EMULATOR_CLIENT,
        issuer,
        sessionSecret: randomBytes(32).toString('base64url'),
        loginStore: store,
      }),
  },
  {
    name: 'web-standard',
    loginPath: '/login',
    start: (store: TransactionStore) =>
      startWebStandard({
        ...EMULATOR_CLIENT,
        issuer,
        sessionSecret: randomBytes(32).toString('base64url'),
        transactionStore: store,
      }),
  },
])('$name with a transaction store', ({ loginPath, start }) => {
  it.each(STORE_FAILURES)(
    'answers 503 with Retry-After and the code, naming nothing of the store, when it is $what',
    async ({ error }) => {
      const app = await start(failingStore(error));
      try {
        const answer = await new UserAgent().get(`${app.url}${loginPath}`);
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('10');
        const page = await answer.text();
        expect(page).toContain(error.code);
        expect(page).not.toContain(error.message);
      } finally {
        await app.close();
      }
    },
  );
});

describe('web-standard with a session revocation store', () => {
  it('answers a signed-in page 503 with Retry-After, opening no session, when the store is unreachable', async () => {
    const { error } = STORE_FAILURES.find(({ what }) => what === 'unreachable')!;
    let failing = false;
    const store: SessionRevocationStore = {
      revoke: () => Promise.reject(error),
      isRevoked: () => (failing ? Promise.reject(error) : false),
    };
    const app = await startWebStandard({
      ...EMULATOR_CLIENT,
      issuer,
      sessionSecret: randomBytes(32).toString('base64url'),
      sessionRevocations: store,
    });
    emulator.reset(defaultConfig({ redirectUris: [`${app.url}/callback`] }));
    try {
      const browser = new UserAgent();
      const start = await browser.get(`${app.url}/login`);
      await browser.get(await signInAtEmulator(await locationOf(start), 'alice'));
      expect(await signedIn(browser, app.url)).toBe(true);
      failing = true;
      const answer = await browser.get(`${app.url}/profile`);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('10');
      const page = await answer.text();
      expect(page).not.toContain(error.message);
      expect(page).not.toContain('alice');
    } finally {
      await app.close();
    }
  });
});
