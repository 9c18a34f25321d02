import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { callbackState } from '../../authorization/callback.js';
import type { NeverloseClient } from '../../client.js';
import { isNeverloseOidcError, NeverloseOidcError } from '../../errors.js';
import { validateReturnTo } from '../../return-to.js';
import { loginCookie } from '../../transaction/login-cookie.js';
import {
  createSealedCookieCodec,
  type SealedCookieCodec,
  type SealingSecret,
} from '../../transaction/sealed-cookie.js';
import { sessionUserOf } from '../shared/session-user.js';
import type { NeverloseEnv, NeverloseFailure, NeverloseHonoOptions } from './options.js';
import { createSessionCodec, randomToken, type SessionCodec } from './session-cookie.js';

const DEFAULT_SESSION_TTL = 8 * 3600;
/** Largest sign-out body read: it holds one token. */
const MAX_LOGOUT_BODY = 4096;

function configurationError(field: string, rule: string): NeverloseOidcError {
  return new NeverloseOidcError('ERR_CONFIGURATION', `Invalid option "${field}": ${rule}.`);
}

function checkPath(value: string | undefined, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw configurationError(field, 'must be a path starting with "/"');
  }
  return value;
}

/** The failure of a login step: what the user did is 4xx, what the provider did is 502. */
function failureOf(error: unknown): NeverloseFailure | undefined {
  if (!isNeverloseOidcError(error)) return undefined;
  const status = (() => {
    switch (error.code) {
      case 'ERR_ACCESS_DENIED':
        return 403;
      case 'ERR_STATE_MISMATCH':
      case 'ERR_TRANSACTION_MISSING':
      case 'ERR_TRANSACTION_EXPIRED':
      case 'ERR_TRANSACTION_MISMATCH':
      case 'ERR_CALLBACK_INVALID':
      case 'ERR_ISSUER_MISMATCH':
      case 'ERR_RETURN_TO_INVALID':
        return 400;
      case 'ERR_TRANSACTION_STORE_FULL':
        return 503;
      case 'ERR_CONFIGURATION':
      case 'ERR_COOKIE_TOO_LARGE':
        return undefined;
      default:
        return 502;
    }
  })();
  return status === undefined
    ? undefined
    : { status, code: error.code, message: error.message, error };
}

/** The secrets of a `secret` option as text, to tell whether a `c.env` read changed them. */
function secretsKey(given: unknown): string {
  const list: unknown[] = Array.isArray(given) ? given : [given];
  return JSON.stringify(list.map((one) => (one instanceof Uint8Array ? Array.from(one) : one)));
}

const plainText = (c: Context, failure: NeverloseFailure): Response =>
  c.text(failure.message, failure.status, { 'cache-control': 'no-store' });

/**
 * Login with Neverlose for Hono, on Web `Request`/`Response` only: it runs on Node
 * (`@hono/node-server`), Bun, Deno and Workers alike.
 *
 * Mount it once, before your routes. It answers three paths itself and, on every other request,
 * sets `c.get('neverloseUser')` (the signed-in user or `undefined`) and
 * `c.get('neverloseCsrfToken')`:
 *
 * - `GET loginPath?returnTo=/path`: starts a login (S256 PKCE, `state`, `nonce`), the
 *   transaction sealed in a cookie named after its state (several tabs at once), scoped to the
 *   callback path.
 * - `GET callbackPath`: completes it with the core's checks (issuer, state, id_token, userinfo
 *   `sub`), deletes the transaction cookie, seals the session in a cookie and redirects to
 *   `returnTo`.
 * - `POST logoutPath`: signs out when the form carries the session's `csrf` token (a form posted
 *   from another site cannot know it), 403 otherwise.
 *
 * Failures are answered, never thrown: 400 for a bad `returnTo` or a stale, replayed or forged
 * callback, 403 for a denied consent, 502 when the provider fails (see `renderError`).
 *
 * @throws {NeverloseOidcError} `ERR_CONFIGURATION` for a bad option (when called, not per request).
 * @example
 * ```ts
 * const app = new Hono<NeverloseEnv>();
 * app.use(neverloseAuth({ client, secret: process.env.SESSION_SECRET! }));
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

  const secure = (c: Context) => options.secureCookies ?? new URL(c.req.url).protocol === 'https:';

  const fail = async (c: Context, error: unknown): Promise<Response> => {
    const failure = failureOf(error);
    if (failure === undefined) throw error;
    return renderError(c, failure);
  };

  const login = async (c: Context): Promise<Response> => {
    const returnTo = c.req.query('returnTo');
    try {
      const neverlose = await clientFor(c);
      const started = await neverlose.startAuthorization(
        returnTo === undefined ? {} : { returnTo },
      );
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
    try {
      const neverlose = await clientFor(c);
      const cookie = loginCookie(neverlose.redirectUri ?? '', callbackState(c.req.raw));
      // Deleted whatever happens: a transaction is used once.
      c.header('set-cookie', cookie.clear(), { append: true });
      const { transactions, sessions } = codecsFor(c);
      const { transaction, binding } = await transactions.open(cookie.read(c.req.header('cookie')));
      // The path and query only: the origin a proxy shows the app may not be the public one.
      const url = new URL(c.req.url);
      const { profile, returnTo } = await neverlose.completeAuthorization(
        `${url.pathname}${url.search}`,
        transaction,
        binding,
      );
      const user = options.onLogin ? await options.onLogin(profile, c) : sessionUserOf(profile);
      if (user === false) {
        throw new NeverloseOidcError('ERR_ACCESS_DENIED', 'This account may not sign in here.');
      }
      const sealed = await sessions.seal({ user, csrf: randomToken() }, sessionTtl);
      setCookie(c, sessionCookie, sealed, {
        path: '/',
        httpOnly: true,
        secure: secure(c),
        sameSite: 'Lax',
        maxAge: sessionTtl,
      });
      c.header('cache-control', 'no-store');
      return c.redirect(returnTo ?? afterLogin, 302);
    } catch (error) {
      return fail(c, error);
    }
  };

  const logout = async (c: Context, csrf: string | undefined): Promise<Response> => {
    const declared = Number(c.req.header('content-length') ?? 0);
    let token = c.req.header('x-csrf-token');
    if (token === undefined && declared <= MAX_LOGOUT_BODY) {
      const body = await c.req.raw.text().catch(() => '');
      if (body.length <= MAX_LOGOUT_BODY) {
        token = new URLSearchParams(body).get('csrf') ?? undefined;
      }
    }
    if (csrf === undefined || token !== csrf) {
      return renderError(c, {
        status: 403,
        code: 'ERR_CSRF',
        message: 'That sign-out request did not come from this site.',
      });
    }
    deleteCookie(c, sessionCookie, { path: '/', secure: secure(c) });
    c.header('cache-control', 'no-store');
    return c.redirect(afterLogout, 303);
  };

  return async (c, next) => {
    const path = c.req.path;
    const method = c.req.method;
    if ((method === 'GET' || method === 'HEAD') && path === loginPath) return login(c);
    if ((method === 'GET' || method === 'HEAD') && path === callbackPath) return callback(c);
    const session = await codecsFor(c).sessions.open(getCookie(c, sessionCookie));
    if (method === 'POST' && path === logoutPath) return logout(c, session?.csrf);
    c.set('neverloseUser', session?.user);
    c.set('neverloseCsrfToken', session?.csrf);
    c.set('neverloseLoginPath', loginPath);
    await next();
  };
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
    const loginPath = c.get('neverloseLoginPath');
    if (loginPath === undefined) {
      throw new NeverloseOidcError(
        'ERR_CONFIGURATION',
        'requireNeverloseUser() runs before neverloseAuth(): mount app.use(neverloseAuth(...)) first.',
      );
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      return c.text('Sign in first.', 401);
    }
    const url = new URL(c.req.url);
    const returnTo = `${url.pathname}${url.search}`;
    return c.redirect(`${loginPath}?returnTo=${encodeURIComponent(returnTo)}`, 302);
  };
}
