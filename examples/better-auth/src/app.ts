import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNodeHandler } from 'better-auth/node';
import { isSafeReturnTo } from 'neverlose-oidc';
import { createAuth } from './auth.js';
import {
  type AppUser,
  failurePage,
  homePage,
  ordersPage,
  profilePage,
  type Viewer,
} from './views.js';

/** Options of {@link startExample}. Nothing is read from the environment here. */
export interface BetterAuthExampleOptions {
  /** The OAuth client id. */
  readonly clientId: string;
  /** The OAuth client secret. */
  readonly clientSecret: string;
  /** The identity provider. @defaultValue `'https://neverlose.cc'` */
  readonly issuer?: string;
  /** better-auth's secret (signs cookies): at least 32 random characters. */
  readonly sessionSecret: string;
  /** The SQLite file. @defaultValue a new file in a temporary folder */
  readonly databasePath?: string;
  /** Port to listen on; `0` picks a free one. @defaultValue `0` */
  readonly port?: number;
  /** Interface to listen on. @defaultValue `'127.0.0.1'` */
  readonly host?: string;
  /** The app's origin as the browser sees it. @defaultValue `http://<host>:<port>` */
  readonly publicUrl?: string;
  /** Permit `http:` provider URLs: the local emulator only. @defaultValue `false` */
  readonly dangerouslyAllowInsecureHttp?: boolean;
  /** Where unexpected errors are reported. @defaultValue `console.error` */
  readonly onError?: (error: unknown) => void;
}

/** A running example. */
export interface RunningExample {
  /** Where it listens, such as `http://127.0.0.1:3006` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

/** Where Neverlose sends the browser back to (better-auth's callback route). */
export const CALLBACK_PATH = '/api/auth/callback/neverlose';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' http: https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
};

/** better-auth's request bodies are small JSON. */
const MAX_AUTH_BODY = 64 * 1024;

/**
 * Why a request body is refused before better-auth reads it, or undefined: better-auth's Node
 * handler reads a body up to its `Content-Length`, but a chunked one (no length) whole.
 */
function unboundedBody(req: IncomingMessage): { status: 411 | 413; message: string } | undefined {
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

/** Copies a Web `Response` (several `Set-Cookie` kept apart) to a Node response. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, one);
    }
  }
  return headers;
}

/** Starts the app: better-auth on `/api/auth/*`, the pages around it. */
export async function startExample(options: BetterAuthExampleOptions): Promise<RunningExample> {
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < 32) {
    throw new Error('Invalid option "sessionSecret": must be a string of at least 32 characters.');
  }
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');

  const { auth, migrate, close } = createAuth({
    baseURL: publicUrl,
    secret: options.sessionSecret,
    databasePath:
      options.databasePath ??
      join(mkdtempSync(join(tmpdir(), 'neverlose-better-auth-')), 'auth.db'),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    issuer: options.issuer ?? 'https://neverlose.cc',
    dangerouslyAllowInsecureHttp: options.dangerouslyAllowInsecureHttp === true,
  });
  await migrate();
  const authHandler = toNodeHandler(auth);

  const viewerOf = async (req: IncomingMessage): Promise<Viewer> => {
    const session = await auth.api.getSession({ headers: headersOf(req) });
    if (!session) return { user: undefined, csrf: undefined };
    const headers = headersOf(req);
    const user = session.user as typeof session.user & {
      username?: string | null;
      registrationDate?: string | null;
    };
    const accounts = await auth.api.listUserAccounts({ headers });
    const account = accounts.find((one) => one.providerId === 'neverlose');
    const appUser: AppUser = {
      // The Neverlose user id: the account key better-auth took from the verified id_token.
      id: account?.accountId ?? user.id,
      ...(user.username ? { username: user.username } : {}),
      ...(user.email ? { email: user.email } : {}),
      ...(user.image ? { avatarUrl: user.image } : {}),
      ...(user.registrationDate ? { registrationDate: user.registrationDate } : {}),
    };
    // The sign-out form is checked by its Origin (see /logout): no token is needed in it.
    return { user: appUser, csrf: '' };
  };
  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, HTML_HEADERS);
    res.end(body);
  };
  const redirect = (res: ServerResponse, location: string, status = 302) => {
    res.writeHead(status, { location, 'cache-control': 'no-store' });
    res.end();
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Only a path (not `*`, `//host` or an absolute URL) is a page of this app.
    const target = req.url ?? '';
    if (!target.startsWith('/') || target.startsWith('//') || !URL.canParse(target, publicUrl)) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The request target is not a path.');
      return;
    }
    const requestUrl = new URL(target, publicUrl);
    const path = requestUrl.pathname;
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (path.startsWith('/api/auth/')) {
      const refused = unboundedBody(req);
      if (refused === undefined) return authHandler(req, res);
      res.writeHead(refused.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(refused.message);
      return;
    }

    if (get && path === '/login') {
      const returnTo = requestUrl.searchParams.get('returnTo');
      const response = await auth.api.signInSocial({
        body: {
          provider: 'neverlose',
          callbackURL: isSafeReturnTo(returnTo) ? returnTo : '/profile',
          errorCallbackURL: '/auth/error',
        },
        headers: headersOf(req),
        asResponse: true,
      });
      const { url: location } = (await response.clone().json()) as { url?: string };
      if (!response.ok || typeof location !== 'string') return send(res, response);
      const headers = new Headers({ location, 'cache-control': 'no-store' });
      for (const cookie of response.headers.getSetCookie()) headers.append('set-cookie', cookie);
      return send(res, new Response(null, { status: 302, headers }));
    }
    if (get && path === '/auth/error') {
      const error = requestUrl.searchParams.get('error') ?? '';
      const denied = error === 'access_denied';
      return html(
        res,
        denied ? 403 : 400,
        failurePage(
          denied ? 403 : 400,
          denied ? 'ERR_ACCESS_DENIED' : error,
          'The sign-in link was not valid any more. Start again.',
        ),
      );
    }
    if (req.method === 'POST' && path === '/logout') {
      // A form posted from another site carries that site's Origin: refused before anything.
      if (req.headers.origin !== publicUrl) {
        return html(
          res,
          403,
          failurePage(403, 'ERR_CSRF', 'That sign-out did not come from this site.'),
        );
      }
      const response = await auth.api.signOut({ headers: headersOf(req), asResponse: true });
      const headers = new Headers({ location: '/?loggedOut=1', 'cache-control': 'no-store' });
      for (const cookie of response.headers.getSetCookie()) headers.append('set-cookie', cookie);
      return send(res, new Response(null, { status: 303, headers }));
    }
    const viewer = await viewerOf(req);
    if (get && path === '/') {
      return html(res, 200, homePage(viewer, requestUrl.searchParams.has('loggedOut')));
    }
    if (get && (path === '/profile' || path === '/orders')) {
      if (viewer.user === undefined)
        return redirect(res, `/login?returnTo=${encodeURIComponent(path)}`);
      return html(
        res,
        200,
        path === '/profile' ? profilePage(viewer, viewer.user) : ordersPage(viewer, viewer.user),
      );
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('There is no such page.');
  };

  server.on('request', (req, res) => {
    route(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Something went wrong; the error was logged.');
    });
  });
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      close();
    },
  };
}
