import { randomBytes } from 'node:crypto';
import { cookiesOf } from '@neverlose-toolkit/test-support/cookies';
import { startPostgres, type TestPostgres } from '@neverlose-toolkit/test-support/postgres-server';
import { deployments, type TestRedis } from '@neverlose-toolkit/test-support/redis-server';
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
import { signInAtEmulator } from '../support/sign-in.js';

// Sign-out behind a load balancer: the Hono middleware's sealed session opens on any instance, so
// a copy of the cookie taken before sign-out must be refused by every instance, not only the one
// that signed it out. Two instances of the app (each its own middleware and its own store client)
// over one Redis, one Redis Cluster, one PostgreSQL; the memory store is the control.

const ORIGIN = 'http://localhost:3000';
const SECRET = randomBytes(32).toString('base64url');
let emulator: RunningEmulator;
let client: NeverloseClient;

beforeAll(async () => {
  emulator = await startEmulator({
    config: defaultConfig({ redirectUris: [`${ORIGIN}/auth/neverlose/callback`] }),
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

/** One instance of the app, with revocations of its own opening. */
function instance(sessionRevocations: SessionRevocationStore) {
  const app = new Hono<NeverloseEnv>();
  app.use(neverloseAuth({ client, secret: SECRET, publicUrl: ORIGIN, sessionRevocations }));
  app.get('/me', requireNeverloseUser(), (c) => c.json({ csrf: c.var.neverloseCsrfToken }));
  return app;
}

/**
 * Signs in on instance A, signs out on A, then shows the cookie copied before sign-out to B.
 * @returns B's status for the copy before and after the sign-out, and for another session.
 */
async function signOutOnAThenCopyOnB(open: () => Promise<SessionRevocationStore>) {
  const [a, b] = [instance(await open()), instance(await open())];
  const signIn = async () => {
    const start = await a.request(`${ORIGIN}/auth/neverlose`);
    const callbackUrl = await signInAtEmulator(start.headers.get('location')!, 'alice');
    const callback = await a.request(callbackUrl, { headers: { cookie: cookiesOf(start) } });
    return cookiesOf(callback);
  };
  const copy = await signIn();
  const other = await signIn();
  const before = (await b.request(`${ORIGIN}/me`, { headers: { cookie: copy } })).status;
  const { csrf } = (await (
    await a.request(`${ORIGIN}/me`, { headers: { cookie: copy } })
  ).json()) as { csrf: string };
  const out = await a.request(`${ORIGIN}/auth/neverlose/logout`, {
    method: 'POST',
    headers: { cookie: copy, 'content-type': 'application/x-www-form-urlencoded' },
    body: `csrf=${csrf}`,
  });
  expect(out.status).toBe(303);
  return {
    before,
    onA: (await a.request(`${ORIGIN}/me`, { headers: { cookie: copy } })).status,
    onB: (await b.request(`${ORIGIN}/me`, { headers: { cookie: copy } })).status,
    other: (await b.request(`${ORIGIN}/me`, { headers: { cookie: other } })).status,
  };
}

/** Signed in (200) before; refused (302 to the login) on both instances after; others open. */
const REFUSED_EVERYWHERE = { before: 200, onA: 302, onB: 302, other: 200 };

describe.each(deployments)('Hono sign-out on two instances sharing $name', ({ start }) => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await start();
  });
  afterAll(() => redis?.stop());

  it('refuses on instance B the cookie signed out on instance A (RedisSessionRevocationStore)', async () => {
    const prefix = redis.prefix();
    const outcome = await signOutOnAThenCopyOnB(
      async () => new RedisSessionRevocationStore(await redis.connect(), { prefix }),
    );
    expect(outcome).toEqual(REFUSED_EVERYWHERE);
  });
});

describe('Hono sign-out on two instances sharing PostgreSQL', () => {
  let db: TestPostgres;
  beforeAll(async () => {
    db = await startPostgres(migrate);
  });
  afterAll(() => db?.stop());

  it('refuses on instance B the cookie signed out on instance A (PostgresSessionRevocationStore)', async () => {
    const tables = await db.tables();
    const outcome = await signOutOnAThenCopyOnB(
      async () => new PostgresSessionRevocationStore(db.pool(), tables),
    );
    expect(outcome).toEqual(REFUSED_EVERYWHERE);
  });
});

describe('Hono sign-out on two instances, each with its own memory', () => {
  it('still opens the copy on instance B (the control: why several instances need a shared store)', async () => {
    const outcome = await signOutOnAThenCopyOnB(async () => new MemorySessionRevocationStore());
    expect(outcome).toEqual({ ...REFUSED_EVERYWHERE, onB: 200 });
  });
});
