import { readBoundedText } from '@neverlose-toolkit/internal/bounded-body';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { callbackState } from '../../authorization/callback.js';
import type { NeverloseClient } from '../../client.js';
import { isNeverloseOidcError, NeverloseOidcError } from '../../errors.js';
import { httpStatusOf } from '../../http-status.js';
import { digest, utf8 } from '../../lib/web-crypto.js';
import { validateReturnTo } from '../../return-to.js';
import { loginCookie } from '../../transaction/login-cookie.js';
import {
  createSealedCookieCodec,
  type SealedCookieCodec,
  type SealingSecret,
} from '../../transaction/sealed-cookie.js';
import { type PublicOrigin, publicOriginOf } from '../shared/public-origin.js';
import { MemorySessionRevocationStore } from '../shared/session-revocation-store.js';
import { sessionUserOf } from '../shared/session-user.js';
import type { NeverloseEnv, NeverloseFailure, NeverloseHonoOptions } from './options.js';
import {
  createSessionCodec,
  type OpenedSession,
  randomToken,
  type SessionCodec,
} from './session-cookie.js';

const DEFAULT_SESSION_TTL = 8 * 3600;
/** Largest sign-out body read: it holds one token. */
const MAX_LOGOUT_BODY = 4096;
/** How long a call of the session revocations may take before the request is answered 503. */
const REVOCATIONS_TIMEOUT_MS = 5000;

function configurationError(field: string, rule: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_INVALID_OPTION', `Invalid option "${field}": ${rule}.`);
}

function checkPath(value: string | undefined, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw configurationError(field, 'must be a path starting with "/"');
  }
  return value;
}

/** The failure of a login step, with the status every surface answers it with (`httpStatusOf`). */
function failureOf(error: unknown): NeverloseFailure | undefined {
  const status = httpStatusOf(error);
  if (status === undefined || !isNeverloseOidcError(error)) return undefined;
  return { status, code: error.code, message: error.message, error };
}

/** The secrets of a `secret` option as text, to tell whether a `c.env` read changed them. */
function secretsKey(given: unknown): string {
  const list: unknown[] = Array.isArray(given) ? given : [given];
  return JSON.stringify(list.map((one) => (one instanceof Uint8Array ? Array.from(one) : one)));
}

const plainText = (c: Context, failure: NeverloseFailure): Response =>
  c.text(failure.message, failure.status, {
    'cache-control': 'no-store',
    // 503: try again shortly.
    ...(failure.status === 503 ? { 'retry-after': '10' } : {}),
  });

/** A failure of the session revocations (an error, or no answer in time), as a coded 503. */
class SessionStoreFailure extends Error {
  override readonly name = 'SessionStoreFailure';
}

/** `work`, or a {@link SessionStoreFailure} once it failed or took longer than the deadline. */
async function withinDeadline<T>(work: () => Promise<T> | T, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SessionStoreFailure(`The session revocations did not ${what} in time.`)),
      REVOCATIONS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(work), late]);
  } catch (error) {
    if (error instanceof SessionStoreFailure) throw error;
    throw new SessionStoreFailure(`The session revocations could not ${what}.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** The coded answer of a {@link SessionStoreFailure}. */
function storeFailure(error: SessionStoreFailure): NeverloseFailure {
  return {
    status: 503,
    code: 'ERR_SESSION_STORE',
    message: 'Sessions cannot be checked right now. Try again shortly.',
    error,
  };
}

/**
 * Login with Neverlose for Hono, on Web `Request`/`Response` only: it runs on Node
 * (`@hono/node-server`), Bun, Deno and Workers alike.
 *
 * Mount it once, before your routes. It answers three paths itself and, on every other request,
 * sets `c.get('neverloseUser')` (the signed-in user or `undefined`) and
 * `c.get('neverloseCsrfToken')`:
 *
 * - `GET loginPath?returnTo=/path`: starts a login (S256 PKCE, `state`, `nonce`) for the redirect
 *   URI `publicUrl` + `callbackPath`, the transaction sealed in a cookie named after its state
 *   (several tabs at once).
 * - `GET callbackPath`: completes it with the core's checks (issuer, state, id_token, userinfo
 *   `sub`), deletes the transaction cookie, seals the session in a cookie and redirects to
 *   `returnTo`. `HEAD` is answered 405: a callback is used once, by the browser's GET.
 * - `POST logoutPath`: signs out when the form carries the session's `csrf` token (a form posted
 *   from another site cannot know it), 403 otherwise; the session is revoked (see
 *   `sessionRevocations`), so a copy of its cookie no longer opens. The body is read up to 4 KiB,
 *   counted as it arrives.
 *
 * Every URL and cookie attribute comes from `publicUrl`, never from the request (see
 * {@link NeverloseHonoOptions.publicUrl}). Failures are answered, never thrown, with the status
 * of `httpStatusOf` as on every surface: 400 for a bad `returnTo` or a stale, replayed, forged or
 * refused callback (a code the provider refuses as `invalid_grant` included), 403 for a denied
 * consent, 502 when the provider fails, 503 to try again (and when the session revocations fail;
 * see `renderError`).
 *
 * @throws {NeverloseOidcError} `ERR_INVALID_OPTION` for a bad option (when called, not per request;
 *   an option read from the context is checked at its first request).
 * @example
 * ```ts
 * const app = new Hono<NeverloseEnv>();
 * app.use(neverloseAuth({ client, publicUrl: 'https://app.example', secret: process.env.SESSION_SECRET! }));
 * app.get('/orders', requireNeverloseUser(), (c) => c.text(`Hi ${c.get('neverloseUser')!.id}`));
 * ```
 */
export function neverloseAuth(options: NeverloseHonoOptions): MiddlewareHandler<NeverloseEnv> {
  if (typeof options !== 'object' || options === null) {
    throw configurationError('options', 'must be an object');
  }
  const loginPath = checkPath(options.loginPath, 'loginPath', '/auth/neverlose');
  const callbackPath = checkPath(options.callbackPath, 'callbackPath', '/auth/neverlose/callback');
  const logoutPath = checkPath(options.logoutPath, 'logoutPath', '/auth/neverlose/logout');
  const afterLogin = validateReturnTo(options.afterLoginPath ?? '/');
  const afterLogout = validateReturnTo(options.afterLogoutPath ?? '/');
  const sessionTtl = options.sessionTtl ?? DEFAULT_SESSION_TTL;
  if (!Number.isSafeInteger(sessionTtl) || sessionTtl <= 0) {
    throw configurationError('sessionTtl', 'must be a positive integer number of seconds');
  }
  const sessionCookie = options.sessionCookie ?? 'nl_session';
  if (!/^[A-Za-z0-9_-]+$/.test(sessionCookie)) {
    throw configurationError('sessionCookie', 'must be letters, digits, "_" or "-"');
  }
  if (
    typeof options.client !== 'function' &&
    typeof options.client?.startAuthorization !== 'function'
  ) {
    throw configurationError('client', 'must be a NeverloseClient or a function that returns one');
  }
  const revocations = options.sessionRevocations ?? new MemorySessionRevocationStore();
  if (typeof revocations?.revoke !== 'function' || typeof revocations?.isRevoked !== 'function') {
    throw configurationError('sessionRevocations', 'must have revoke() and isRevoked() methods');
  }
  const renderError = options.renderError ?? plainText;

  let client: Promise<NeverloseClient> | undefined;
  const clientFor = (c: Context): Promise<NeverloseClient> => {
    if (typeof options.client !== 'function') return Promise.resolve(options.client);
    if (client === undefined) {
      const created = Promise.resolve().then(() =>
        (options.client as (c: Context) => NeverloseClient | Promise<NeverloseClient>)(c),
      );
      client = created;
      // A failed creation (discovery down) is retried by the next request, not kept.
      created.catch(() => {
        if (client === created) client = undefined;
      });
    }
    return client;
  };

  // Codecs depend on the secret only; a secret read from c.env is the same on every request.
  let codecs: { key: string; transactions: SealedCookieCodec; sessions: SessionCodec } | undefined;
  const codecsFor = (c: Context | undefined) => {
    const given =
      typeof options.secret === 'function'
        ? (options.secret as (c: Context) => SealingSecret | readonly SealingSecret[])(c as Context)
        : options.secret;
    const key = secretsKey(given);
    if (codecs?.key !== key) {
      // Each codec checks every secret (length, randomness) and throws naming it.
      codecs = {
        key,
        transactions: createSealedCookieCodec({ secret: given }),
        sessions: createSessionCodec(given),
      };
    }
    return codecs;
  };
  // Checked now when the secret is given as a value: a bad one fails at startup.
  if (typeof options.secret !== 'function') codecsFor(undefined);

  // The public origin: checked now when given as a value, at the first request when read from c.
  let origin: { given: unknown; value: PublicOrigin } | undefined;
  const originFor = (c: Context | undefined): PublicOrigin => {
    const given =
      typeof options.publicUrl === 'function' ? options.publicUrl(c as Context) : options.publicUrl;
    if (origin === undefined || origin.given !== given) {
      origin = { given, value: publicOriginOf(given, 'publicUrl', 'PUBLIC_URL') };
    }
    return origin.value;
  };
  if (typeof options.publicUrl !== 'function') originFor(undefined);

  /** Cookie names and attributes: `__Host-` and `Secure` on https, host-only, path `/`. */
  const cookiesOf = (site: PublicOrigin) => ({
    session: `${site.hostPrefix}${sessionCookie}`,
    secure: site.secure,
  });

  const fail = async (c: Context, error: unknown): Promise<Response> => {
    if (error instanceof SessionStoreFailure) return renderError(c, storeFailure(error));
    const failure = failureOf(error);
    if (failure === undefined) throw error;
    return renderError(c, failure);
  };

  const openSession = async (c: Context, name: string): Promise<OpenedSession | undefined> => {
    const session = await codecsFor(c).sessions.open(getCookie(c, name));
    if (session === undefined) return undefined;
    const revoked = await withinDeadline(
      () => revocations.isRevoked(session.id, session.issuedAt),
      'answer whether a session was signed out',
    );
    return revoked ? undefined : session;
  };

  // The two calls into the core: start a login, complete it.
  const login = async (c: Context): Promise<Response> => {
    const returnTo = c.req.query('returnTo');
    try {
      const site = originFor(c);
      const neverlose = await clientFor(c);
      const started = await neverlose.startAuthorization({
        redirectUri: `${site.origin}${callbackPath}`,
        ...(returnTo === undefined ? {} : { returnTo }),
      });
      const { transaction } = started;
      const sealed = await codecsFor(c).transactions.seal(started);
      const cookie = loginCookie(transaction.redirectUri, transaction.state);
      c.header('set-cookie', cookie.set(sealed, neverlose.transactionTtl / 1000), { append: true });
      c.header('cache-control', 'no-store');
      return c.redirect(started.url.href, 302);
    } catch (error) {
      return fail(c, error);
    }
  };

  const callback = async (c: Context): Promise<Response> => {
    const site = originFor(c);
    const cookies = cookiesOf(site);
    // The path and query of the request, on the public origin: a proxy shows the app another.
    const requested = new URL(c.req.url);
    const callbackUrl = `${site.origin}${requested.pathname}${requested.search}`;
    const cookie = loginCookie(`${site.origin}${callbackPath}`, callbackState(callbackUrl));
    // Deleted whatever happens: a transaction is used once.
    c.header('set-cookie', cookie.clear(), { append: true });
    try {
      const neverlose = await clientFor(c);
      const { transactions, sessions } = codecsFor(c);
      const { transaction, binding } = await transactions.open(cookie.read(c.req.header('cookie')));
      const { profile, returnTo } = await neverlose.completeAuthorization(
        callbackUrl,
        transaction,
        binding,
      );
      const user = options.onLogin ? await options.onLogin(profile, c) : sessionUserOf(profile);
      if (user === false) {
        throw new NeverloseOidcError('ERR_ACCESS_DENIED', 'This account may not sign in here.');
      }
      const sealed = await sessions.seal({ user, csrf: randomToken() }, sessionTtl);
      setCookie(c, cookies.session, sealed, {
        path: '/',
        httpOnly: true,
        secure: cookies.secure,
        sameSite: 'Lax',
        maxAge: sessionTtl,
      });
      c.header('cache-control', 'no-store');
      return c.redirect(`${site.origin}${returnTo ?? afterLogin}`, 302);
    } catch (error) {
      return fail(c, error);
    }
  };

  const logout = async (c: Context): Promise<Response> => {
    const site = originFor(c);
    const cookies = cookiesOf(site);
    try {
      const session = await openSession(c, cookies.session);
      let token = c.req.header('x-csrf-token');
      if (token === undefined) {
        const body = await readBoundedText(c.req.raw, MAX_LOGOUT_BODY);
        if (body !== undefined) token = new URLSearchParams(body).get('csrf') ?? undefined;
      }
      if (session === undefined || !(await sameToken(token, session.csrf))) {
        return await renderError(c, {
          status: 403,
          code: 'ERR_CSRF',
          message: 'That sign-out request did not come from this site.',
        });
      }
      // Deleting the cookie is not enough: a copy of it would open until it expires.
      await withinDeadline(
        () => revocations.revoke(session.id, session.expiresAt),
        'record the sign-out',
      );
      deleteCookie(c, cookies.session, { path: '/', secure: cookies.secure });
      c.header('cache-control', 'no-store');
      return c.redirect(`${site.origin}${afterLogout}`, 303);
    } catch (error) {
      return fail(c, error);
    }
  };

  return async (c, next) => {
    const path = c.req.path;
    const method = c.req.method;
    if (path === callbackPath && method === 'HEAD') {
      return c.body(null, 405, { allow: 'GET', 'cache-control': 'no-store' });
    }
    if ((method === 'GET' || method === 'HEAD') && path === loginPath) return login(c);
    if (method === 'GET' && path === callbackPath) return callback(c);
    if (method === 'POST' && path === logoutPath) return logout(c);
    const site = originFor(c);
    let session: OpenedSession | undefined;
    try {
      session = await openSession(c, cookiesOf(site).session);
    } catch (error) {
      return fail(c, error);
    }
    c.set('neverloseUser', session?.user);
    c.set('neverloseCsrfToken', session?.csrf);
    c.set('neverloseLoginUrl', `${site.origin}${loginPath}`);
    await next();
  };
}

/** Compares the sign-out token with the session's, in time independent of where they differ. */
async function sameToken(sent: string | undefined, expected: string): Promise<boolean> {
  if (sent === undefined) return false;
  const [a, b] = await Promise.all([sent, expected].map((value) => digest('SHA-256', utf8(value))));
  let difference = 0;
  for (let index = 0; index < 32; index++) difference |= (a?.[index] ?? 0) ^ (b?.[index] ?? 0);
  return difference === 0 && sent === expected;
}

/**
 * Lets only signed-in users through. A visitor without a session is sent to the login with
 * `returnTo` set to the page asked for (GET and HEAD), or answered 401 (other methods). Mount
 * {@link neverloseAuth} before it.
 *
 * @example
 * ```ts
 * app.get('/orders', requireNeverloseUser(), (c) => c.html(orders(c.get('neverloseUser')!)));
 * ```
 */
export function requireNeverloseUser(): MiddlewareHandler<NeverloseEnv> {
  return async (c, next) => {
    if (c.get('neverloseUser') !== undefined) return next();
    const loginUrl = c.get('neverloseLoginUrl');
    if (loginUrl === undefined) {
      throw new NeverloseOidcError(
        'ERR_MIDDLEWARE_MISSING',
        'requireNeverloseUser() runs before neverloseAuth(): mount app.use(neverloseAuth(...)) first.',
      );
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.text('Sign in first.', 401);
    }
    const url = new URL(c.req.url);
    const returnTo = `${url.pathname}${url.search}`;
    return c.redirect(`${loginUrl}?returnTo=${encodeURIComponent(returnTo)}`, 302);
  };
}
