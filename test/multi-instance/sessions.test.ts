import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cookiesOf } from '@neverlose-toolkit/test-support/cookies';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import { startPostgresCluster } from '@neverlose-toolkit/test-support/postgres-cluster';
import { startPostgres } from '@neverlose-toolkit/test-support/postgres-server';
import { deployments, spawnRedisServer } from '@neverlose-toolkit/test-support/redis-server';
import { Hono } from 'hono';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import {
  createNeverloseClient,
  MemorySessionRevocationStore,
  type NeverloseClient,
  type SessionRevocationStore,
} from 'neverlose-oidc';
import { type NeverloseEnv, neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';
import { migrate } from 'neverlose-postgres';
import { PostgresSessionRevocationStore } from 'neverlose-postgres/oidc';
import { RedisSessionRevocationStore } from 'neverlose-redis/oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';
import { type Program, spawnProgram, untilListening } from '../support/program.js';
import { signInAtEmulator } from '../support/sign-in.js';

// Sessions behind a load balancer. A sealed session opens on any instance, so a copy of its
// cookie taken before sign-out must be refused by every instance, not only the one that signed it
// out; and a login started on one instance must complete on another, for the browser that started
// it only. Two instances of each app over one Redis, one Redis Cluster, one PostgreSQL: the Hono
// middleware (each instance its own middleware and its own store client), and the reference apps
// `examples/hono` and `examples/web-standard` as their entry files start them (two processes
// given the same `REDIS_URL` or `DATABASE_URL`). Without a shared store, the controls show why one
// is needed. A store that stops answering costs a 503, never an open session or a crash.

const ORIGIN = 'http://localhost:3000';
const SECRET = randomBytes(32).toString('base64url');
let emulator: RunningEmulator;
let client: NeverloseClient;

beforeAll(async () => {
  emulator = await startEmulator({
    config: defaultConfig({
      redirectUris: [`${ORIGIN}/auth/neverlose/callback`, `${ORIGIN}/callback`],
    }),
  });
  client = await createNeverloseClient({
    issuer: emulator.issuer,
    clientId: 'emulator-client',
    clientSecret: 'emulator-secret',
    redirectUri: `${ORIGIN}/auth/neverlose/callback`,
    dangerouslyAllowInsecureHttp: true,
  });
});
afterAll(() => emulator?.stop());

/** One instance of an app: a request of a path, answered without following redirects. */
type Instance = (path: string, init?: RequestInit) => Promise<Response>;

/** Where an app serves what the scenario needs. */
interface Routes {
  readonly login: string;
  readonly logout: string;
  /** A page that needs a session and shows the sign-out form (its `csrf` field). */
  readonly protected: string;
}

const HONO_ROUTES: Routes = {
  login: '/auth/neverlose',
  logout: '/auth/neverlose/logout',
  protected: '/profile',
};
const WEB_STANDARD_ROUTES: Routes = { login: '/login', logout: '/logout', protected: '/profile' };

/** One instance of a Hono app with the middleware, with revocations of its own opening. */
function honoInstance(sessionRevocations: SessionRevocationStore): Instance {
  const app = new Hono<NeverloseEnv>();
  app.use(neverloseAuth({ client, secret: SECRET, publicUrl: ORIGIN, sessionRevocations }));
  app.get('/profile', requireNeverloseUser(), (c) =>
    c.html(`<input type="hidden" name="csrf" value="${c.var.neverloseCsrfToken}">`),
  );
  return (path, init) => Promise.resolve(app.request(`${ORIGIN}${path}`, init));
}

/** A page opened (`'open'`), sent to the login (`'refused'`), or any other answer (its status). */
function outcomeOf(response: Response, routes: Routes): string | number {
  if (response.status === 200) return 'open';
  const location = response.headers.get('location') ?? '';
  if (response.status >= 300 && response.status < 400 && location.includes(routes.login)) {
    return 'refused';
  }
  return response.status;
}

/**
 * Starts a login on instance A and completes it on instance B.
 * @returns B's status for the callback from another browser (no login cookie), the login's
 *   outcome (`'signed in'`, or B's status), and the session's cookie.
 */
async function signInOnAThenB(routes: Routes, a: Instance, b: Instance) {
  const start = await a(routes.login);
  const callbackUrl = new URL(await signInAtEmulator(start.headers.get('location')!, 'alice'));
  const callbackPath = `${callbackUrl.pathname}${callbackUrl.search}`;
  const foreign = await b(callbackPath);
  const callback = await b(callbackPath, { headers: { cookie: cookiesOf(start) } });
  const signedIn = callback.status === 302 || callback.status === 303;
  return {
    foreign: foreign.status,
    login: signedIn ? 'signed in' : callback.status,
    cookie: cookiesOf(callback),
  };
}

/**
 * Starts a login on instance A and completes it on instance B; twice, then signs the first
 * session out on A and shows the cookie copied before sign-out to B.
 * @returns what B answered: the login's callback from another browser (no login cookie), the
 *   login's callback (`'signed in'`, or its status), the copy before and after the sign-out (and
 *   on A after), and another session.
 */
async function signInOnAOutOnB(routes: Routes, a: Instance, b: Instance) {
  const signIn = () => signInOnAThenB(routes, a, b);
  const copy = await signIn();
  if (copy.login !== 'signed in') return { foreign: copy.foreign, login: copy.login };
  const other = await signIn();
  const page = (instance: Instance, cookie: string) =>
    instance(routes.protected, { headers: { cookie } });
  const before = outcomeOf(await page(b, copy.cookie), routes);
  const html = await (await page(a, copy.cookie)).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const out = await a(routes.logout, {
    method: 'POST',
    headers: { cookie: copy.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf }).toString(),
  });
  expect(out.status).toBe(303);
  return {
    foreign: copy.foreign,
    login: copy.login,
    before,
    onA: outcomeOf(await page(a, copy.cookie), routes),
    onB: outcomeOf(await page(b, copy.cookie), routes),
    other: outcomeOf(await page(b, other.cookie), routes),
  };
}

/**
 * The login completed on B for its browser only (another browser's callback is refused), the
 * copy open before sign-out and refused on both instances after; other sessions open.
 */
const SHARED = {
  foreign: 400,
  login: 'signed in',
  before: 'open',
  onA: 'refused',
  onB: 'refused',
  other: 'open',
};

/** What the examples read of their stores. */
interface StoreEnv {
  readonly REDIS_URL?: string;
  readonly DATABASE_URL?: string;
  readonly LOGIN_STORE?: string;
}

/** Two processes of an example's entry file (`dist/main.js`), given the same environment. */
async function startExampleInstances(example: 'hono' | 'web-standard', env: StoreEnv) {
  const programs: Program[] = [];
  const instances: Instance[] = [];
  const lines: string[] = [];
  try {
    for (const _ of [0, 1]) {
      const port = await freePort();
      const running = spawnProgram(process.execPath, [`examples/${example}/dist/main.js`], {
        cwd: repoRoot,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: ORIGIN,
          NEVERLOSE_ISSUER: emulator.issuer,
          NEVERLOSE_CLIENT_ID: 'emulator-client',
          NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
          NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
          SESSION_SECRET: SECRET,
          // Only the store under test: not the run's own DATABASE_URL.
          REDIS_URL: env.REDIS_URL ?? '',
          DATABASE_URL: env.DATABASE_URL ?? '',
          LOGIN_STORE: env.LOGIN_STORE ?? '',
        },
      });
      programs.push(running);
      await untilListening(running, port);
      lines.push(await running.waitFor(/listening on .*\n/));
      instances.push((path, init) =>
        fetch(`http://127.0.0.1:${port}${path}`, { ...init, redirect: 'manual' }),
      );
    }
  } catch (error) {
    await Promise.all(programs.map((running) => running.stop()));
    throw error;
  }
  return {
    a: instances[0]!,
    b: instances[1]!,
    /** Each instance's start-up line. */
    lines,
    /** True while both processes run. */
    running: () => programs.every((running) => running.child.exitCode === null),
    stop: () => Promise.all(programs.map((running) => running.stop())),
  };
}

/** Runs the scenario on two instances of an example with `env`; its outcome and start-up lines. */
async function onExample(example: 'hono' | 'web-standard', env: StoreEnv) {
  const instances = await startExampleInstances(example, env);
  try {
    const routes = example === 'hono' ? HONO_ROUTES : WEB_STANDARD_ROUTES;
    return {
      outcome: await signInOnAOutOnB(routes, instances.a, instances.b),
      lines: instances.lines,
    };
  } finally {
    await instances.stop();
  }
}

/** A store two instances share, started for one `describe`. */
interface SharedStore {
  /** Points the examples at it. */
  readonly env: StoreEnv;
  /** Opens one middleware's revocation store; the stores of one call share their records. */
  revocations(): Promise<() => Promise<SessionRevocationStore>>;
  stop(): Promise<unknown>;
}

/** Every shared store the examples read: Redis, Redis Cluster (`REDIS_URL`), PostgreSQL (`DATABASE_URL`). */
const sharedStores: {
  readonly name: string;
  /** What the start-up lines call it. */
  readonly kind: 'Redis' | 'PostgreSQL';
  /** web-standard's `LOGIN_STORE` for logins in flight in it. */
  readonly loginStore: 'redis' | 'postgres';
  readonly start: () => Promise<SharedStore>;
}[] = [
  ...deployments.map(({ name, start }) => ({
    name,
    kind: 'Redis' as const,
    loginStore: 'redis' as const,
    start: async (): Promise<SharedStore> => {
      const redis = await start();
      return {
        env: { REDIS_URL: redis.url },
        revocations: async () => {
          const prefix = redis.prefix();
          return async () => new RedisSessionRevocationStore(await redis.connect(), { prefix });
        },
        stop: () => redis.stop(),
      };
    },
  })),
  {
    name: 'PostgreSQL',
    kind: 'PostgreSQL',
    loginStore: 'postgres',
    start: async () => {
      const db = await startPostgres(migrate);
      return {
        env: { DATABASE_URL: db.url },
        revocations: async () => {
          const tables = await db.tables();
          return async () => new PostgresSessionRevocationStore(db.pool(), tables);
        },
        stop: () => db.stop(),
      };
    },
  },
];

describe.each(sharedStores)('two instances sharing $name', ({ kind, loginStore, start }) => {
  let store: SharedStore;
  beforeAll(async () => {
    store = await start();
  });
  afterAll(() => store?.stop());

  it(`Hono middleware: refuses on instance B the cookie signed out on instance A (${kind}SessionRevocationStore)`, async () => {
    const revocations = await store.revocations();
    const open = async () => honoInstance(await revocations());
    expect(await signInOnAOutOnB(HONO_ROUTES, await open(), await open())).toEqual(SHARED);
  });

  it(`examples/hono: refuses on B the cookie signed out on A, sign-outs in ${kind}`, async () => {
    const { outcome, lines } = await onExample('hono', store.env);
    expect(outcome).toEqual(SHARED);
    for (const line of lines) expect(line).toContain(`(sign-outs in ${kind})`);
  });

  it(`examples/web-standard with LOGIN_STORE=${loginStore}: completes on B the login started on A, refuses on B the cookie signed out on A`, async () => {
    const { outcome, lines } = await onExample('web-standard', {
      ...store.env,
      LOGIN_STORE: loginStore,
    });
    expect(outcome).toEqual(SHARED);
    for (const line of lines) {
      expect(line).toContain(`(sign-outs in ${kind}, logins in flight in ${kind})`);
    }
  });
});

describe('two instances, each with its own memory (the controls: why several instances need a shared store)', () => {
  it('Hono middleware: still opens the copy on instance B', async () => {
    const open = () => honoInstance(new MemorySessionRevocationStore());
    expect(await signInOnAOutOnB(HONO_ROUTES, open(), open())).toEqual({
      ...SHARED,
      onB: 'open',
    });
  });

  it('examples/hono without REDIS_URL: says it is one instance only, and B still opens the copy', async () => {
    const { outcome, lines } = await onExample('hono', {});
    expect(outcome).toEqual({ ...SHARED, onB: 'open' });
    for (const line of lines) expect(line).toContain('one instance only');
  });

  it('examples/web-standard without REDIS_URL, LOGIN_STORE=memory: says it is one instance only, and B cannot complete the login started on A', async () => {
    const { outcome, lines } = await onExample('web-standard', { LOGIN_STORE: 'memory' });
    expect(outcome).toEqual({ foreign: 400, login: 400 });
    for (const line of lines) expect(line).toContain('one instance only');
  });
});

/** A store of our own whose processes the test can freeze (SIGSTOP) and thaw. */
interface FreezableStore {
  readonly env: StoreEnv;
  /** Every process of the server, the one that accepts connections first. */
  pids(): number[];
  /** Ends every connection and starts the server again, where the store can. */
  restart?(): Promise<void>;
  stop(): Promise<unknown>;
}

/** The PostgreSQL server of `dir` and its backends (one process per connection). */
function postgresPids(dir: string): number[] {
  const postmaster = Number(
    readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // After "pid (name)": state, then the parent's pid.
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

const freezableStores: {
  readonly name: string;
  readonly start: () => Promise<FreezableStore>;
  /** web-standard's `LOGIN_STORE` for logins in flight in it. */
  readonly loginStore: 'redis' | 'postgres';
  /** What the test title adds when the store restarts too. */
  readonly restarts: string;
}[] = [
  {
    name: 'a Redis',
    restarts: '',
    loginStore: 'redis',
    start: async () => {
      const redis = await spawnRedisServer();
      return { env: { REDIS_URL: redis.url }, pids: () => [redis.pid], stop: () => redis.stop() };
    },
  },
  {
    // A cluster of our own, whatever the run's DATABASE_URL: the test freezes its processes.
    name: 'a PostgreSQL',
    loginStore: 'postgres',
    restarts: ', and after a restart of the server',
    start: async () => {
      const cluster = await startPostgresCluster();
      return {
        env: { DATABASE_URL: cluster.url },
        pids: () => postgresPids(cluster.dir),
        restart: () => cluster.restart(),
        stop: () => cluster.stop(),
      };
    },
  },
];

describe.each(freezableStores)(
  'two instances sharing $name that stops answering',
  ({ start, loginStore, restarts }) => {
    let store: FreezableStore;
    beforeAll(async () => {
      store = await start();
    });
    afterAll(() => store?.stop());

    for (const { example, routes, env } of [
      { example: 'hono', routes: HONO_ROUTES, env: {} },
      { example: 'web-standard', routes: WEB_STANDARD_ROUTES, env: { LOGIN_STORE: loginStore } },
    ] as const) {
      it(`examples/${example} answers a session 503 with Retry-After while the store is frozen, opens nothing, stays up, and opens it once the store answers again${restarts}`, async () => {
        const instances = await startExampleInstances(example, { ...env, ...store.env });
        try {
          const { login, cookie } = await signInOnAThenB(routes, instances.a, instances.b);
          expect(login).toBe('signed in');
          const page = () => instances.b(routes.protected, { headers: { cookie } });
          const pids = store.pids();
          for (const pid of pids) process.kill(pid, 'SIGSTOP');
          let frozen: Response;
          try {
            frozen = await page();
          } finally {
            for (const pid of pids) process.kill(pid, 'SIGCONT');
          }
          expect(frozen.status).toBe(503);
          expect(frozen.headers.get('retry-after')).toBe('10');
          expect(await frozen.text()).not.toContain('alice');
          expect(instances.running()).toBe(true);
          expect(outcomeOf(await page(), routes)).toBe('open');
          if (store.restart !== undefined) {
            // Every pooled connection ends (an 'error' on each idle one); the pool opens new ones.
            await store.restart();
            expect(instances.running()).toBe(true);
            expect(outcomeOf(await page(), routes)).toBe('open');
          }
        } finally {
          await instances.stop();
        }
      });
    }
  },
);
