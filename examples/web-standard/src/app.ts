import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  callbackState,
  createNeverloseClient,
  createSealedCookieCodec,
  isNeverloseOidcError,
  isUserError,
  type NeverloseClient,
  type SessionRevocations,
  sealedCookieName,
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
   * one (see {@link SessionRevocations}). @defaultValue a {@link MemorySessionRevocations}: one
   * instance only
   */
  readonly sessionRevocations?: SessionRevocations;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3001` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to. Register `<publicUrl>/callback`. */
export const CALLBACK_PATH = '/callback';
const SESSION_COOKIE = 'nl_session';

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
 * Fetch API (Node here through a small adapter; Deno, Bun, workers).
 */
export function createHandler(
  client: NeverloseClient,
  options: Pick<WebStandardExampleOptions, 'sessionSecret' | 'onError' | 'sessionRevocations'> & {
    readonly secure: boolean;
  },
): (request: Request) => Promise<Response> {
  const transactions = createSealedCookieCodec({ secret: options.sessionSecret });
  const sessions = createSessionCodec(options.sessionSecret, options.sessionRevocations);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const secure = options.secure;

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
    let started: Awaited<ReturnType<NeverloseClient['startAuthorization']>>;
    try {
      started = await client.startAuthorization(returnTo === undefined ? {} : { returnTo });
    } catch (error) {
      // A hostile returnTo (`//evil.example`) is the visitor's doing: 400, not 500.
      if (isNeverloseOidcError(error) && error.code === 'ERR_RETURN_TO_INVALID') {
        return html(
          400,
          loginFailedPage(error.code, 'That return address is not a page of this site.'),
        );
      }
      throw error;
    }
    const { url, transaction } = started;
    // One cookie per login, named by its state: logins in several tabs do not collide.
    const name = sealedCookieName(transaction.state ?? '');
    const maxAge = Math.floor(client.transactionTtl / 1000);
    return redirect(url.href, [
      cookie(name, await transactions.seal(transaction), { path: CALLBACK_PATH, maxAge, secure }),
    ]);
  };

  const callback = async (request: Request): Promise<Response> => {
    const name = sealedCookieName(callbackState(request) ?? '');
    const clear = cookie(name, '', { path: CALLBACK_PATH, maxAge: 0, secure });
    try {
      const transaction = await transactions.open(readCookie(request, name));
      const { profile, returnTo } = await client.completeAuthorization(request, transaction);
      const session = cookie(SESSION_COOKIE, await sessions.seal(sessionUser(profile)), {
        path: '/',
        maxAge: SESSION_SECONDS,
        secure,
      });
      return redirect(returnTo ?? '/profile', [clear, session]);
    } catch (error) {
      if (isNeverloseOidcError(error) && error.code === 'ERR_ACCESS_DENIED') {
        return html(403, declinedPage(), {}, [clear]);
      }
      if (isUserError(error) && isNeverloseOidcError(error)) {
        // A stale link, a replayed or forged callback: the visitor can simply start again.
        return html(400, loginFailedPage(error.code, error.message), {}, [clear]);
      }
      onError(error);
      const code = isNeverloseOidcError(error) ? error.code : 'ERR_UNEXPECTED';
      return html(
        502,
        loginFailedPage(
          code,
          'Neverlose could not be reached or answered unexpectedly. Try again shortly.',
        ),
        {},
        [clear],
      );
    }
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
      [cookie(SESSION_COOKIE, '', { path: '/', maxAge: 0, secure })],
      303,
    );
  };

  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const get = request.method === 'GET' || request.method === 'HEAD';
    try {
      const session = await sessions.open(readCookie(request, SESSION_COOKIE));
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
        secure: publicUrl.startsWith('https:'),
        ...(options.onError === undefined ? {} : { onError: options.onError }),
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
