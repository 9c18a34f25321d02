import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Auth, type AuthConfig } from '@auth/core';
import { ExpressAuth, getSession } from '@auth/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isSafeReturnTo } from 'neverlose-oidc';
import { authConfig } from './auth.js';
import {
  type AppUser,
  failurePage,
  homePage,
  ordersPage,
  profilePage,
  type Viewer,
} from './views.js';

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface AuthjsExampleOptions {
  /** The OAuth client id (`AUTH_NEVERLOSE_ID`). */
  readonly clientId: string;
  /** The OAuth client secret (`AUTH_NEVERLOSE_SECRET`). */
  readonly clientSecret: string;
  /** The identity provider (`AUTH_NEVERLOSE_ISSUER`). @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /** Auth.js's secret (`AUTH_SECRET`, encrypts the session): at least 32 random characters. */
  readonly sessionSecret: string;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /**
   * The app's origin as the browser sees it: the redirect URI, every redirect and the cookies
   * (`Secure`, `__Secure-`/`__Host-` on https) come from it. @defaultValue `http://<host>:<port>`
   */
  readonly publicUrl?: string;
  /** Permit `http:` provider URLs: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3007` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to (Auth.js's callback route). */
export const CALLBACK_PATH = '/auth/callback/neverlose';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' http: https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** Auth.js's answer to an internal request (its CSRF token, a sign-in) on the public origin. */
async function authCall(
  config: AuthConfig,
  url: string,
  req: Request,
  init: RequestInit = {},
): Promise<globalThis.Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', req.headers.cookie ?? '');
  return Auth(new globalThis.Request(url, { ...init, headers }), config);
}

/** The cookies of a `Cookie` header, percent-decoded when they decode. */
function cookiesOf(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const raw = pair.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {}
    cookies[pair.slice(0, eq).trim()] = value;
  }
  return cookies;
}

/** Auth.js's rule for a callback URL: an http(s) URL whose characters a header can carry. */
function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[\x21-\x7e]+$/.test(value) && URL.canParse(value);
}

/** Auth.js's request bodies are small forms. */
const MAX_AUTH_BODY = 64 * 1024;

/**
 * Why a request body is refused before it is read, or undefined: one without a length (chunked)
 * or longer than {@link MAX_AUTH_BODY}.
 */
function unboundedBody(req: Request): { status: 411 | 413; message: string } | undefined {
  const length = req.headers['content-length'];
  if (length === undefined) {
    return req.headers['transfer-encoding'] === undefined
      ? undefined
      : { status: 411, message: 'A request body needs a Content-Length here.' };
  }
  return Number(length) <= MAX_AUTH_BODY
    ? undefined
    : { status: 413, message: 'The request body is too large.' };
}

/** Copies Auth.js's cookies onto an Express response. */
function relayCookies(from: globalThis.Response, res: Response): void {
  for (const cookie of from.headers.getSetCookie()) res.append('set-cookie', cookie);
}

/** Starts the app: Auth.js (`@auth/express`) on `/auth/*`, the pages around it. */
export async function startExample(options: AuthjsExampleOptions): Promise<RunningExample> {
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32) {
    throw new Error('Invalid option "sessionSecret": must be a string of at least 32 characters.');
  }
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const app = express();
  app.disable('x-powered-by');
  const server = await new Promise<Server>((resolve, reject) => {
    const started = app.listen(options.port ?? 0, host, (error?: Error) =>
      error ? reject(error) : resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  const site = new URL(publicUrl);
  const config = authConfig({
    secret: options.sessionSecret,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    issuer: options.issuer ?? 'https://neverlose.cc',
    dangerouslyAllowInsecureHttp: options.dangerouslyAllowInsecureHttp === true,
    publicUrl,
    onError,
  });

  // Only a path (not `*`, `//host` or an absolute URL) is a page of this app. Behind a proxy the
  // request says http:// and an inner host, and Auth.js builds its redirect URI, redirects and
  // cookie names from both: they are set to the public origin's before anything runs.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const target = req.originalUrl;
    if (!target.startsWith('/') || target.startsWith('//') || !URL.canParse(target, publicUrl)) {
      res.status(400).type('text/plain').send('The request target is not a path.');
      return;
    }
    Object.defineProperty(req, 'protocol', { value: site.protocol.slice(0, -1) });
    req.headers.host = site.host;
    delete req.headers['x-forwarded-host'];
    delete req.headers['x-forwarded-proto'];
    next();
  });

  const viewerOf = async (req: Request, res: Response): Promise<Viewer> => {
    const session = await getSession(req, config);
    // The sign-out form posts Auth.js's CSRF token (a double-submit cookie it checks).
    const csrf = await authCall(config, `${publicUrl}/auth/csrf`, req);
    relayCookies(csrf, res);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const profile = session?.neverlose;
    if (profile === undefined) return { user: undefined, csrf: csrfToken };
    const user: AppUser = {
      id: profile.id,
      ...(profile.username === undefined ? {} : { username: profile.username }),
      ...(profile.email === undefined ? {} : { email: profile.email }),
      ...(profile.avatarUrl === undefined ? {} : { avatarUrl: profile.avatarUrl }),
      ...(profile.registrationDate === undefined
        ? {}
        : { registrationDate: profile.registrationDate }),
    };
    return { user, csrf: csrfToken };
  };
  const html = (res: Response, status: number, body: string) => {
    res.status(status).set(HTML_HEADERS).send(body);
  };

  // Auth.js reports a refused consent as any other failed callback: the example tells the
  // visitor it was their choice. No session is created on this path.
  app.get(CALLBACK_PATH, (req, res, next) => {
    if (req.query['error'] === 'access_denied') {
      res.redirect(302, `${publicUrl}/declined`);
      return;
    }
    next();
  });
  // Auth.js answers 500 to a callback-URL cookie that is not a URL, and copies the error page's
  // `error` into a Location header as it came: both come from the visitor, so such requests are
  // answered 400 here (the cookie cleared, so that the next sign-in works).
  app.use('/auth', (req, res, next) => {
    const bad = Object.keys(cookiesOf(req.headers.cookie)).filter(
      (name) =>
        /^(?:__Secure-)?authjs\.callback-url$/.test(name) &&
        !isHttpUrl(cookiesOf(req.headers.cookie)[name] ?? ''),
    );
    const error = req.query['error'];
    const badError =
      req.path === '/error' &&
      error !== undefined &&
      !(typeof error === 'string' && /^[A-Za-z]{1,64}$/.test(error));
    if (bad.length === 0 && !badError) {
      next();
      return;
    }
    for (const name of bad)
      res.clearCookie(name, { path: '/', secure: site.protocol === 'https:' });
    res
      .status(400)
      .type('text/plain')
      .send('That sign-in link does not lead back to this site. Start again.');
  });
  // Express's body parsers read at most 100 KB, but read the rest of a larger body before they
  // answer: a chunked body that never ends would hold its request forever. Auth.js's forms are
  // small and browsers send them with a length.
  app.use('/auth', (req, res, next) => {
    const refused = unboundedBody(req);
    if (refused === undefined) {
      next();
      return;
    }
    res.status(refused.status).type('text/plain').send(refused.message);
  });
  app.use('/auth', ExpressAuth(config));

  app.get('/login', async (req, res) => {
    const returnTo = typeof req.query['returnTo'] === 'string' ? req.query['returnTo'] : null;
    // Auth.js signs in with a POST carrying its CSRF token: made here, so a link can start it.
    const csrf = await authCall(config, `${publicUrl}/auth/csrf`, req);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .concat(req.headers.cookie ?? [])
      .join('; ');
    const start = await Auth(
      new globalThis.Request(`${publicUrl}/auth/signin/neverlose`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrfToken,
          callbackUrl: `${publicUrl}${isSafeReturnTo(returnTo) ? returnTo : '/profile'}`,
        }),
      }),
      config,
    );
    relayCookies(csrf, res);
    relayCookies(start, res);
    res.set('cache-control', 'no-store').redirect(302, start.headers.get('location') ?? '/');
  });
  app.get('/declined', (_req, res) => {
    html(res, 403, failurePage(403, 'ERR_ACCESS_DENIED', 'You declined.'));
  });
  app.get('/login-failed', (req, res) => {
    const error = typeof req.query['error'] === 'string' ? req.query['error'] : 'Unknown';
    html(res, 400, failurePage(400, error, 'The sign-in did not complete. Start again.'));
  });
  app.get('/', async (req, res) => {
    const viewer = await viewerOf(req, res);
    html(res, 200, homePage(viewer, req.query['loggedOut'] !== undefined));
  });
  for (const path of ['/profile', '/orders'] as const) {
    app.get(path, async (req, res) => {
      const viewer = await viewerOf(req, res);
      if (viewer.user === undefined) {
        res.redirect(302, `${publicUrl}/login?returnTo=${encodeURIComponent(path)}`);
        return;
      }
      html(
        res,
        200,
        path === '/profile' ? profilePage(viewer, viewer.user) : ordersPage(viewer, viewer.user),
      );
    });
  }
  app.use((_req: Request, res: Response) => {
    res.status(404).type('text/plain').send('There is no such page.');
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // A body Express could not parse is the visitor's doing.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).type('text/plain').send('That request could not be read.');
      return;
    }
    onError(error);
    if (!res.headersSent)
      res.status(500).type('text/plain').send('Something went wrong; the error was logged.');
  });
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
