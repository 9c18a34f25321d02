import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  callbackState,
  createNeverloseClient,
  createSealedCookieCodec,
  httpStatusOf,
  loginCookie,
  type NeverloseClient,
  type SessionRevocationStore,
  type StartedAuthorization,
  type TransactionStore,
} from 'neverlose-oidc';
import { cookie, readCookie } from './cookies.js';
import { sendFailure, sendResponse, toRequest } from './node-adapter.js';
import {
  createSessionCodec,
  csrfMatches,
  SESSION_SECONDS,
  type Session,
  sessionUser,
} from './session.js';
import {
  declinedPage,
  errorPage,
  homePage,
  loginFailedPage,
  ordersPage,
  profilePage,
} from './views.js';

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface WebStandardExampleOptions {
  /** The OAuth client id. */
  readonly clientId: string;
  /** The OAuth client secret; absent for a public client. */
  readonly clientSecret?: string;
  /** The identity provider. @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /** Seals the login and session cookies: at least 32 characters, the same on every instance. */
  readonly sessionSecret: string;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /**
   * The app's origin as the browser sees it; the callback URL is built from it and the cookies are
   * `Secure` when it is `https:`. @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /** Permit `http:` provider URLs and callback URL: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
  /**
   * Where logged-out sessions are remembered until they expire. Several instances must share
   * one (see {@link SessionRevocationStore}). @defaultValue a {@link MemorySessionRevocationStore}: one
   * instance only
   */
  readonly sessionRevocations?: SessionRevocationStore;
  /**
   * Where a login waits for its callback. By default it is sealed, with its browser binding, in
   * the login cookie: nothing is kept on the server, and any instance completes it. With a store
   * (`MemoryTransactionStore` for one instance; `RedisTransactionStore` of neverlose-redis or
   * `PostgresTransactionStore` of neverlose-postgres for several), the transaction waits there
   * under the browser binding, and the login cookie holds only the binding: the wiring of
   * neverlose-oidc's README quick start.
   * @defaultValue the sealed login cookie
   */
  readonly transactionStore?: TransactionStore;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3001` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to. Register `<publicUrl>/callback`. */
export const CALLBACK_PATH = '/callback';
/** The session cookie's name: with the `__Host-` prefix on https, so that no other host sets it. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-nl_session' : 'nl_session';
}

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' http: https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/**
 * The whole app as a Web `Request -> Response` function: it runs unchanged on any runtime with the
 * Fetch API (Node here through a small adapter; Deno, Bun, workers). The client's redirect URI is
 * the app's public address: it decides every cookie's `Secure` flag and `__Host-` prefix, never
 * the request (behind a TLS-terminating proxy the request is plain HTTP).
 */
export function createHandler(
  client: NeverloseClient,
  options: Pick<
    WebStandardExampleOptions,
    'sessionSecret' | 'onError' | 'sessionRevocations' | 'transactionStore'
  >,
): (request: Request) => Promise<Response> {
  const sealed = createSealedCookieCodec({ secret: options.sessionSecret });
  const store = options.transactionStore;
  // What the login cookie holds: the sealed transaction and binding, or the binding of a
  // transaction kept in the store. Either way only the browser that started the login has it.
  const pendingLogins = {
    async keep(started: StartedAuthorization): Promise<string> {
      if (store === undefined) return sealed.seal(started);
      await store.set(started.binding, started.transaction, client.transactionTtl);
      return started.binding;
    },
    async take(cookieValue: string | undefined) {
      if (store === undefined) return sealed.open(cookieValue);
      const transaction = cookieValue === undefined ? undefined : await store.take(cookieValue);
      return { transaction, binding: cookieValue };
    },
  };
  const sessions = createSessionCodec(options.sessionSecret, options.sessionRevocations);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const redirectUri = client.redirectUri;
  if (redirectUri === undefined) {
    throw new Error(
      'Invalid argument "client": it must have a redirectUri (the public callback URL).',
    );
  }
  const secure = new URL(redirectUri).protocol === 'https:';
  const sessionCookie = sessionCookieName(secure);

  const html = (
    status: number,
    body: string,
    extra: Record<string, string> = {},
    cookies: string[] = [],
  ) => {
    const headers = new Headers({ ...HTML_HEADERS, ...extra });
    for (const value of cookies) headers.append('set-cookie', value);
    return new Response(body, { status, headers });
  };
  const redirect = (location: string, cookies: string[] = [], status = 302) =>
    html(status, '', { location: locationHeader(location) }, cookies);

  const login = async (request: Request): Promise<Response> => {
    const returnTo = new URL(request.url).searchParams.get('returnTo') ?? undefined;
    let started: StartedAuthorization;
    let value: string;
    try {
      started = await client.startAuthorization(returnTo === undefined ? {} : { returnTo });
      value = await pendingLogins.keep(started);
    } catch (error) {
      // A hostile returnTo (`//evil.example`) is the visitor's doing: 400, not 500; a full store
      // is 503.
      return loginFailure(error, []);
    }
    // One login cookie per login, named by its state, so that logins in several tabs do not
    // collide.
    const login = loginCookie(redirectUri, started.transaction.state);
    return redirect(started.url.href, [login.set(value, client.transactionTtl / 1000)]);
  };

  const callback = async (request: Request): Promise<Response> => {
    const login = loginCookie(redirectUri, callbackState(request));
    const clear = login.clear();
    try {
      const { transaction, binding } = await pendingLogins.take(
        login.read(request.headers.get('cookie')),
      );
      const { profile, returnTo } = await client.completeAuthorization(
        request,
        transaction,
        binding,
      );
      const session = cookie(sessionCookie, await sessions.seal(sessionUser(profile)), {
        path: '/',
        maxAge: SESSION_SECONDS,
        secure,
      });
      return redirect(returnTo ?? '/profile', [clear, session]);
    } catch (error) {
      return loginFailure(error, [clear]);
    }
  };

  /**
   * A failed login, as neverlose-oidc's `httpStatusOf` classes it: 403 a declined consent, 400
   * what the visitor's browser sent (a stale, replayed, forged or foreign callback, a lost login
   * cookie), 503 try again, 502 the provider. Anything else is a bug: the 500 page.
   */
  const loginFailure = (error: unknown, cookies: string[]): Response => {
    const status = httpStatusOf(error);
    if (status === undefined) throw error;
    // Coded: neverlose-oidc's errors, and a full store of any package (ERR_TRANSACTION_STORE_FULL).
    const { code, message } = error as { code: string; message: string };
    if (code === 'ERR_ACCESS_DENIED') return html(403, declinedPage(), {}, cookies);
    if (status === 400 || status === 403) {
      // The visitor can simply start again; the message says what went wrong.
      return html(status, loginFailedPage(code, message), {}, cookies);
    }
    onError(error);
    if (status === 503) {
      return html(
        status,
        loginFailedPage(code, 'Logins cannot be completed right now. Try again shortly.'),
        { 'retry-after': '10' },
        cookies,
      );
    }
    return html(
      status,
      loginFailedPage(
        code,
        'Neverlose could not be reached or answered unexpectedly. Try again shortly.',
      ),
      {},
      cookies,
    );
  };

  const logout = async (request: Request, session: Session | undefined): Promise<Response> => {
    const form = new URLSearchParams(await request.text());
    // The token is in the sealed session: a form posted from another site cannot carry it.
    if (session === undefined || !csrfMatches(form.get('csrf'), session.user.csrf)) {
      return html(
        403,
        errorPage(403, 'Not logged out', 'That logout request did not come from this site.'),
      );
    }
    // Deleting the cookie is not enough: a copy of it (another tab's, a stolen one) would stay
    // valid until it expires. Revoked, it no longer opens anywhere.
    await sessions.revoke(session);
    return redirect(
      '/?loggedOut=1',
      [cookie(sessionCookie, '', { path: '/', maxAge: 0, secure })],
      303,
    );
  };

  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const get = request.method === 'GET' || request.method === 'HEAD';
    try {
      const session = await sessions.open(readCookie(request, sessionCookie));
      const user = session?.user;
      if (get && path === '/') return html(200, homePage(user, url.searchParams.has('loggedOut')));
      if (get && path === '/login') return await login(request);
      if (get && path === CALLBACK_PATH) return await callback(request);
      if (request.method === 'POST' && path === '/logout') return await logout(request, session);
      if (get && (path === '/profile' || path === '/orders')) {
        if (user === undefined) return redirect(`/login?returnTo=${encodeURIComponent(path)}`);
        return html(200, path === '/profile' ? profilePage(user) : ordersPage(user));
      }
      return html(404, errorPage(404, 'Not found', 'There is no such page.'));
    } catch (error) {
      onError(error);
      // A store that could not answer now (Redis unreachable or slow): nobody is let in on a
      // session it could not check, nor signed out without the sign-out recorded.
      if (httpStatusOf(error) === 503) {
        return html(
          503,
          errorPage(503, 'Try again shortly', 'This page cannot be served right now.'),
          { 'retry-after': '10' },
        );
      }
      return html(
        500,
        errorPage(500, 'Something went wrong', 'The error was logged; please try again.'),
      );
    }
  };
}

/**
 * A `Location` value from an app path or URL: characters a header cannot carry (above U+00FF, as
 * a `returnTo` may hold) are percent-encoded the way the browser would have sent them.
 */
function locationHeader(location: string): string {
  if (/^[\x21-\x7e]*$/.test(location)) return location;
  if (!URL.canParse(location, 'http://app.invalid')) return '/';
  const url = new URL(location, 'http://app.invalid');
  return url.origin === 'http://app.invalid' ? `${url.pathname}${url.search}${url.hash}` : url.href;
}

/** Starts the example on `node:http`. */
export async function startExample(options: WebStandardExampleOptions): Promise<RunningExample> {
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32) {
    throw new Error('Invalid option "sessionSecret": must be a string of at least 32 characters.');
  }
  const host = options.host ?? '127.0.0.1';
  // The handler is attached before listening: a request that arrives while discovery runs waits
  // for it instead of being accepted and never answered.
  let ready!: (handler: (request: Request) => Promise<Response>) => void;
  let failed!: (error: unknown) => void;
  const handlerReady = new Promise<(request: Request) => Promise<Response>>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  handlerReady.catch(() => undefined);
  let publicUrl = '';
  const server = createServer((req, res) => {
    handlerReady
      .then(async (handler) => sendResponse(res, await handler(await toRequest(req, publicUrl))))
      .catch((error: unknown) => sendFailure(req, res, error, options.onError ?? console.error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  publicUrl = (options.publicUrl ?? origin).replace(/\/+$/, '');
  try {
    const client = await createNeverloseClient({
      clientId: options.clientId,
      ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      redirectUri: `${publicUrl}${CALLBACK_PATH}`,
      issuer: options.issuer ?? 'https://neverlose.cc',
      ...(options.dangerouslyAllowInsecureHttp ? { dangerouslyAllowInsecureHttp: true } : {}),
    });
    ready(
      createHandler(client, {
        sessionSecret: options.sessionSecret,
        ...(options.onError === undefined ? {} : { onError: options.onError }),
        ...(options.sessionRevocations === undefined
          ? {}
          : { sessionRevocations: options.sessionRevocations }),
        ...(options.transactionStore === undefined
          ? {}
          : { transactionStore: options.transactionStore }),
      }),
    );
  } catch (error) {
    failed(error);
    server.close();
    throw error;
  }
  return {
    url: origin,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
