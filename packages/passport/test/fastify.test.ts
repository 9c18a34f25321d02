import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { Authenticator } from '@fastify/passport';
import fastifySecureSession from '@fastify/secure-session';
import fastifySession from '@fastify/session';
import {
  authorize,
  startProvider,
  type TestProvider,
} from '@neverlose-toolkit/test-support/hostile-provider';
import {
  CLIENTS,
  type ReferenceProvider,
  signIn,
  startReferenceProvider,
  USER,
} from '@neverlose-toolkit/test-support/reference-provider';
import { locationOf, UserAgent } from '@neverlose-toolkit/test-support/user-agent';
import Fastify, { type FastifyInstance } from 'fastify';
import { MemoryTransactionStore, type NeverloseClientOptions } from 'neverlose-oidc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NeverloseStrategy } from '../src/index.js';

// passport-neverlose under @fastify/passport, with each of Fastify's two session plugins:
// @fastify/session (a server-side store; `save()`, values as properties) and
// @fastify/secure-session (the whole session in an encrypted cookie; values through get/set, no
// `save()`: a change is written into the cookie of the response only when `set` marks it).

const CALLBACK_PATH = '/auth/neverlose/callback';
type SessionPlugin = '@fastify/session' | '@fastify/secure-session';

let provider: ReferenceProvider;
let hostile: TestProvider;
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  provider = await startReferenceProvider();
  hostile = await startProvider();
});
afterAll(async () => {
  await provider?.close();
  await hostile?.close();
});
afterEach(async () => {
  provider.decision = 'approve';
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** What a test app changes of the strategy: its client's options, a store. */
interface AppOptions {
  readonly client?: NeverloseClientOptions;
  readonly store?: MemoryTransactionStore;
}

/** A Fastify app with `plugin`, @fastify/passport and the strategy, as the fastify example. */
async function startApp(plugin: SessionPlugin, options: AppOptions = {}): Promise<string> {
  const server = Fastify();
  servers.push(server);
  if (plugin === '@fastify/session') {
    await server.register(fastifyCookie);
    await server.register(fastifySession, {
      secret: randomBytes(32).toString('base64url'),
      cookie: { secure: false },
      saveUninitialized: false,
    });
  } else {
    await server.register(fastifySecureSession, {
      key: randomBytes(32),
      cookie: { path: '/', httpOnly: true },
    });
  }
  const passport = new Authenticator();
  await server.register(passport.initialize());
  await server.register(passport.secureSession());
  passport.use(
    'neverlose',
    new NeverloseStrategy(
      {
        client: options.client ?? {
          clientId: CLIENTS.basic.clientId,
          clientSecret: CLIENTS.basic.clientSecret,
          issuer: provider.issuer,
          dangerouslyAllowInsecureHttp: true,
        },
        callbackURL: CALLBACK_PATH,
        returnToParam: 'returnTo',
        ...(options.store === undefined ? {} : { store: options.store }),
      },
      (_accessToken, profile, done) => done(null, { id: profile.id, username: profile.username }),
    ),
  );
  passport.registerUserSerializer(async (user: unknown) => user);
  passport.registerUserDeserializer(async (user: unknown) => user);
  const authenticate = passport.authenticate(
    'neverlose',
    async (request, reply, error, user, info, status) => {
      if (error) {
        const { code, message } = error as { code?: string; message: string };
        return reply.code(500).send({ code, message });
      }
      if (!user) return reply.code(status ?? 403).send(info ?? {});
      await request.logIn(user);
      const returnTo = (info as { returnTo?: string } | undefined)?.returnTo;
      return reply.redirect(returnTo ?? '/whoami', 302);
    },
  );
  server.get('/auth/neverlose', { preValidation: authenticate }, async () => undefined);
  server.get(CALLBACK_PATH, { preValidation: authenticate }, async () => undefined);
  server.get('/whoami', async (request) => ({ user: request.user ?? null }));
  const origin = await server.listen({ port: 0, host: '127.0.0.1' });
  await provider.allowRedirect(`${origin}${CALLBACK_PATH}`);
  return origin;
}

/** Starts a login in `agent` and signs in at the provider: the callback URL. */
async function toCallback(agent: UserAgent, origin: string, path = '/auth/neverlose') {
  const authorization = await locationOf(await agent.get(`${origin}${path}`));
  return signIn(provider, authorization);
}

describe.each(['@fastify/session', '@fastify/secure-session'] as const)(
  'passport-neverlose under @fastify/passport with %s',
  (plugin) => {
    it('keeps the transaction in the session and signs the user in, back to returnTo', async () => {
      const origin = await startApp(plugin);
      const agent = new UserAgent();
      const callback = await toCallback(
        agent,
        origin,
        '/auth/neverlose?returnTo=%2Fwhoami%3Fx%3D1',
      );
      const done = await agent.get(callback);
      expect(await locationOf(done)).toBe('/whoami?x=1');
      const whoami = await agent.get(`${origin}/whoami`);
      expect(await whoami.json()).toEqual({
        user: { id: USER.sub, username: USER['cc.neverlose.login'] },
      });
    });

    it('deletes a transaction once used, and the session keeps that: a second callback is refused', async () => {
      const origin = await startApp(plugin);
      const agent = new UserAgent();
      provider.decision = 'deny';
      const callback = await toCallback(agent, origin);
      const denied = await agent.get(callback);
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ code: 'ERR_ACCESS_DENIED' });
      // The same callback again, with the session as the first callback's answer left it.
      const again = await agent.get(callback);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
    });
  },
);

describe('passport-neverlose with @fastify/secure-session (the session in a cookie)', () => {
  it('keeps the session cookie within 4096 bytes however many logins are started, and the last one completes', async () => {
    const origin = await startApp('@fastify/secure-session');
    const agent = new UserAgent();
    let authorization = '';
    for (let started = 0; started < 12; started++) {
      const start = await agent.get(
        `${origin}/auth/neverlose?returnTo=%2Forders%3Ftab%3D${started}`,
      );
      const cookie = start.headers.getSetCookie().join('');
      expect(cookie.length).toBeLessThanOrEqual(4096);
      authorization = await locationOf(start);
    }
    const done = await agent.get(await signIn(provider, authorization));
    expect(await locationOf(done)).toBe('/orders?tab=11');
  });
});

// A login is bound to the browser that started it, with either session plugin, in both modes of
// the strategy: the session (transaction and binding in it) and a store (the transaction there;
// the binding in the session, since a Fastify strategy never sees the reply to set a cookie).
describe.each([
  ['@fastify/session', 'the session'],
  ['@fastify/secure-session', 'the session'],
  ['@fastify/session', 'a store'],
  ['@fastify/secure-session', 'a store'],
] as const)(
  'passport-neverlose under @fastify/passport with %s, logins kept in %s',
  (plugin, mode) => {
    const start = (scopes?: string[]) =>
      startApp(plugin, {
        client: {
          clientId: hostile.clientId,
          clientSecret: hostile.clientSecret,
          issuer: hostile.issuer,
          dangerouslyAllowInsecureHttp: true,
          ...(scopes === undefined ? {} : { scopes }),
        },
        ...(mode === 'a store' ? { store: new MemoryTransactionStore() } : {}),
      });
    const startLogin = async (agent: UserAgent, origin: string) =>
      authorize(await locationOf(await agent.get(`${origin}/auth/neverlose`)));
    const whoami = async (agent: UserAgent, origin: string) =>
      ((await (await agent.get(`${origin}/whoami`)).json()) as { user: unknown }).user;

    it("signs nobody in with the attacker's callback in the victim's browser, and the attacker's own browser still completes", async () => {
      const origin = await start();
      const attacker = new UserAgent();
      const callback = await startLogin(attacker, origin);

      const victim = new UserAgent();
      const refused = await victim.get(callback);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'ERR_TRANSACTION_MISSING' });
      expect(await whoami(victim, origin)).toBeNull();
      await startLogin(victim, origin);
      expect((await victim.get(callback)).status).toBe(400);
      expect(await whoami(victim, origin)).toBeNull();

      expect(await locationOf(await attacker.get(callback))).toBe('/whoami');
      expect(await whoami(attacker, origin)).toMatchObject({ id: '1337' });
    });

    it('lets no other browser complete a no_state login', async () => {
      const origin = await start(['openid', 'profile', 'no_state']);
      const first = new UserAgent();
      const callback = await startLogin(first, origin);
      expect(new URL(callback).searchParams.has('state')).toBe(false);
      const other = new UserAgent();
      expect((await other.get(callback)).status).toBe(400);
      expect(await whoami(other, origin)).toBeNull();
      expect(await locationOf(await first.get(callback))).toBe('/whoami');
      expect(await whoami(first, origin)).toMatchObject({ id: '1337' });
    });
  },
);
