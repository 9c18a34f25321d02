import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import { Authenticator } from '@fastify/passport';
import fastifySecureSession from '@fastify/secure-session';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { httpStatusOf, NeverloseStrategy, type PassportNeverloseProfile } from 'passport-neverlose';
import {
  type AppUser,
  failurePage,
  homePage,
  ordersPage,
  profilePage,
  type Viewer,
} from './views.js';

declare module 'fastify' {
  interface PassportUser extends AppUser {}
}

/**
 * Where the session lives: `@fastify/session` keeps it on the server (in memory here; a shared
 * store such as Redis for several instances), `@fastify/secure-session` keeps all of it in an
 * encrypted cookie.
 */
export type SessionPlugin = '@fastify/session' | '@fastify/secure-session';

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface FastifyExampleOptions {
  /** The OAuth client id. */
  readonly clientId: string;
  /** The OAuth client secret; absent for a public client. */
  readonly clientSecret?: string;
  /** The identity provider. @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /**
   * Signs the session cookie (`@fastify/session`) or is the key it is encrypted with
   * (`@fastify/secure-session`, through HKDF): at least 32 characters, the same on every instance.
   */
  readonly sessionSecret: string;
  /** Where the session lives: see {@link SessionPlugin}. @defaultValue `'@fastify/session'` */
  readonly sessionPlugin?: SessionPlugin;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /**
   * The app's origin as the browser sees it, behind a TLS-terminating proxy: the callback URL is
   * built from it, and on `https:` the session cookie is `Secure` with the `__Host-` prefix,
   * whatever the request the app sees (plain HTTP from the proxy, any `Host`).
   * @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /** Permit `http:` provider URLs: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Log requests (method and path only: never the callback's code and state). @defaultValue `false` */
  readonly logRequests?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3004` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to. Register `<publicUrl>/auth/neverlose/callback`. */
export const CALLBACK_PATH = '/auth/neverlose/callback';
const LOGIN_PATH = '/auth/neverlose';

const SESSION_PLUGINS: readonly SessionPlugin[] = ['@fastify/session', '@fastify/secure-session'];
const SESSION_SECONDS = 8 * 3600;

/** The session cookie's name: with the `__Host-` prefix on https, so that no other host sets it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-nl_session' : 'nl_session';
}

// What the session holds besides Passport's user, declared for both plugins. The app reads and
// writes it through `get` and `set`, which both have: a @fastify/secure-session session is written
// into its cookie only when `set` marks a change.
declare module 'fastify' {
  interface Session {
    /** The synchronizer token of the sign-out form. */
    csrf?: string;
  }
}
declare module '@fastify/secure-session' {
  interface SessionData {
    /** The synchronizer token of the sign-out form. */
    csrf: string;
  }
}

/** Registers the session plugin: its cookie is `HttpOnly`, `SameSite=Lax`, `Secure` on https. */
function registerSession(
  server: FastifyInstance,
  plugin: SessionPlugin,
  secret: string,
  secure: boolean,
): void {
  const cookie = { secure, httpOnly: true, sameSite: 'lax', path: '/' } as const;
  const cookieName = sessionCookieName(secure);
  if (plugin === '@fastify/secure-session') {
    server.register(fastifySecureSession, {
      key: Buffer.from(hkdfSync('sha256', secret, '', 'neverlose fastify example session', 32)),
      cookieName,
      expiry: SESSION_SECONDS,
      cookie: { ...cookie, maxAge: SESSION_SECONDS },
    });
    return;
  }
  server.register(fastifyCookie);
  server.register(fastifySession, {
    secret,
    cookieName,
    cookie: { ...cookie, maxAge: SESSION_SECONDS * 1000 },
    saveUninitialized: false,
  });
}

function toAppUser(profile: PassportNeverloseProfile): AppUser {
  const email = profile.emails?.[0]?.value;
  const avatarUrl = profile.photos?.[0]?.value;
  return {
    id: profile.id,
    ...(profile.username === undefined ? {} : { username: profile.username }),
    ...(email === undefined ? {} : { email }),
    ...(avatarUrl === undefined ? {} : { avatarUrl }),
    ...(profile.registrationDate === undefined
      ? {}
      : { registrationDate: profile.registrationDate }),
  };
}

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || expected === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the Fastify app. */
export async function startExample(options: FastifyExampleOptions): Promise<RunningExample> {
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32) {
    throw new Error('Invalid option "sessionSecret": must be a string of at least 32 characters.');
  }
  const sessionPlugin = options.sessionPlugin ?? '@fastify/session';
  if (!SESSION_PLUGINS.includes(sessionPlugin)) {
    throw new Error(
      `Invalid option "sessionPlugin": must be ${SESSION_PLUGINS.map((name) => `"${name}"`).join(' or ')}.`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const report = options.onError ?? ((error: unknown) => console.error(error));
  const server = Fastify({
    // The callback URL carries the authorization code and state: log the path, not the query.
    logger: options.logRequests
      ? { serializers: { req: (req) => ({ method: req.method, path: req.url.split('?')[0] }) } }
      : false,
  });
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const secure = publicUrl?.startsWith('https:') ?? false;
  if (secure) {
    // The public origin decides the protocol: on an https: PUBLIC_URL the app sits behind a
    // TLS-terminating proxy, and @fastify/session sets its Secure cookie only on a secure request.
    server.addHook('onRequest', async (request) => {
      Object.defineProperty(request, 'protocol', { value: 'https' });
    });
  }
  registerSession(server, sessionPlugin, options.sessionSecret, secure);
  server.register(fastifyFormbody, { bodyLimit: 4096 });
  // One Authenticator per app rather than the module's: two apps in one process (the tests)
  // must not share strategies.
  const fastifyPassport = new Authenticator();
  server.register(fastifyPassport.initialize());
  server.register(fastifyPassport.secureSession());

  fastifyPassport.use(
    'neverlose',
    new NeverloseStrategy(
      {
        // The options of neverlose-oidc's createNeverloseClient, as they are.
        client: {
          clientId: options.clientId,
          ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
          issuer: options.issuer ?? 'https://neverlose.cc',
          ...(options.dangerouslyAllowInsecureHttp ? { dangerouslyAllowInsecureHttp: true } : {}),
        },
        // Without a public URL, the path is resolved against the request's Host (the port is
        // known only once listening).
        callbackURL: publicUrl === undefined ? CALLBACK_PATH : `${publicUrl}${CALLBACK_PATH}`,
        returnToParam: 'returnTo',
        // No `store`: the transaction lives in the session, whichever plugin keeps it.
      },
      (_accessToken, profile, done) => done(null, toAppUser(profile)),
    ),
  );
  fastifyPassport.registerUserSerializer(async (user: AppUser) => user);
  fastifyPassport.registerUserDeserializer(async (user: unknown) =>
    typeof user === 'object' && user !== null && typeof (user as AppUser).id === 'string'
      ? (user as AppUser)
      : null,
  );

  const viewer = (request: FastifyRequest): Viewer => ({
    user: request.user as AppUser | undefined,
    csrf: request.session.get('csrf'),
  });
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' http: https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .send(body);

  /**
   * The end of the login and callback routes. passport-neverlose ends every request with one
   * Passport action: `fail` with neverlose-oidc's `httpStatusOf` status for what the visitor did
   * (403 denied, 400 a bad returnTo or a stale, forged or foreign callback, 503 try again), `error`
   * for what the provider or the network did: a deliberate 502 page here. Only a bug is a 500.
   */
  const finish = fastifyPassport.authenticate(
    'neverlose',
    async (request, reply, error, user, info, status) => {
      if (error) {
        const failed = httpStatusOf(error);
        if (failed === undefined) throw error;
        report(error);
        if (failed === 503) reply.header('retry-after', '10');
        return html(
          reply,
          failed,
          failurePage(
            failed,
            (error as unknown as { code: string }).code,
            failed === 503
              ? 'Logins cannot be completed right now. Try again shortly.'
              : 'Neverlose could not be reached or answered unexpectedly. Try again shortly.',
          ),
        );
      }
      if (!user) {
        const challenge = (info ?? {}) as { code?: string; message?: string };
        const code = challenge.code ?? 'ERR_LOGIN_FAILED';
        const answer = status ?? 403;
        // 503: try again shortly (the provider is overloaded, or too many logins are in flight).
        if (answer === 503) reply.header('retry-after', '10');
        return html(
          reply,
          answer,
          failurePage(answer, code, challenge.message ?? 'Sign-in failed.'),
        );
      }
      await request.logIn(user);
      request.session.set('csrf', randomBytes(24).toString('base64url'));
      const returnTo = (info as { returnTo?: string } | undefined)?.returnTo;
      return reply.redirect(returnTo ?? '/profile', 302);
    },
  );
  server.get(LOGIN_PATH, { preValidation: finish }, async () => undefined);
  server.get(CALLBACK_PATH, { preValidation: finish }, async () => undefined);

  server.post('/logout', async (request, reply) => {
    const token = (request.body as Record<string, unknown> | undefined)?.['csrf'];
    // The token lives in the server session: a form posted from another site cannot know it.
    if (!request.user || !sameToken(token, request.session.get('csrf'))) {
      return html(
        reply,
        403,
        failurePage(403, 'ERR_CSRF', 'That sign-out did not come from this site.'),
      );
    }
    await request.logOut();
    // The server-side session is destroyed; a cookie session is emptied and its cookie deleted.
    const session = request.session as { destroy?: () => Promise<void>; delete?: () => void };
    if (typeof session.destroy === 'function') await session.destroy();
    else session.delete?.();
    return reply.redirect('/?loggedOut=1', 303);
  });

  server.get('/', async (request, reply) =>
    html(
      reply,
      200,
      homePage(
        viewer(request),
        (request.query as Record<string, unknown>)['loggedOut'] !== undefined,
      ),
    ),
  );
  for (const path of ['/profile', '/orders'] as const) {
    server.get(path, async (request, reply) => {
      const user = request.user as AppUser | undefined;
      if (!user) return reply.redirect(`${LOGIN_PATH}?returnTo=${encodeURIComponent(path)}`, 302);
      return html(
        reply,
        200,
        path === '/profile'
          ? profilePage(viewer(request), user)
          : ordersPage(viewer(request), user),
      );
    });
  }
  server.setErrorHandler((error, _request, reply) => {
    // Fastify's own 4xx (a body too large, a bad content type) keep their status.
    const given = (error as { statusCode?: unknown }).statusCode;
    const status = typeof given === 'number' && given >= 400 && given < 500 ? given : 500;
    if (status === 500) report(error);
    return reply
      .code(status)
      .type('text/plain; charset=utf-8')
      .send(status === 500 ? 'Something went wrong; the error was logged.' : 'Bad request.');
  });

  await server.listen({ port: options.port ?? 0, host });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://${host}:${port}`, close: () => server.close() };
}
