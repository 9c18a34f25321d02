import { repoRoot } from '../../support/packed.js';
import { signInAtEmulator } from '../../support/sign-in.js';
import type { HostileRoute } from '../inputs.js';
import type { CaseFilter } from '../probe.js';
import type { ProcessSpec } from '../process.js';
import { adminApi } from './emulator.js';

/** What differs between the login examples. */
export interface LoginExample {
  /** The folder under `examples/`: its `dist/main.js` is run. */
  readonly name: 'web-standard' | 'express-passport' | 'better-auth' | 'nextjs' | 'authjs-express';
  readonly loginPath: string;
  readonly callbackPath: string;
  readonly sessionCookie: string;
}

export const WEB_STANDARD: LoginExample = {
  name: 'web-standard',
  loginPath: '/login',
  callbackPath: '/callback',
  sessionCookie: 'nl_session',
};

export const EXPRESS_PASSPORT: LoginExample = {
  name: 'express-passport',
  loginPath: '/auth/neverlose',
  callbackPath: '/auth/neverlose/callback',
  sessionCookie: 'nl_example.sid',
};

/** The example as its README runs it against the emulator: `node dist/main.js` and environment. */
export function loginExampleProcess(example: LoginExample, issuer: string): ProcessSpec {
  return {
    name: example.name,
    args: [`${repoRoot}/examples/${example.name}/dist/main.js`],
    env: {
      PORT: '{port}',
      HOST: '127.0.0.1',
      NEVERLOSE_ISSUER: issuer,
      NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
      NEVERLOSE_CLIENT_ID: 'emulator-client',
      NEVERLOSE_CLIENT_SECRET: 'emulator-secret',
      SESSION_SECRET: 'hostile-session-secret-0123456789abcdef',
      REDIS_URL: '',
      DATABASE_URL: '',
    },
  };
}

/** Registers the example's callback with the emulator's default client. */
export async function registerCallback(emulatorUrl: string, callbackUrl: string): Promise<void> {
  await adminApi(emulatorUrl, 'POST', '/seed', {
    oauthClients: [
      {
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        redirectUris: [callbackUrl],
      },
    ],
  });
}

/** Cookies as a browser keeps them, for one origin. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** Takes the `Set-Cookie` headers of a response (`Max-Age=0` deletes). */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string {
    const value = this.cookies.get(name);
    if (value === undefined) throw new Error(`no cookie ${name} in the jar`);
    return value;
  }
}

/** A GET with the jar's cookies that does not follow redirects; the reply's cookies go back in. */
export async function get(jar: CookieJar, url: string): Promise<Response> {
  const response = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
  jar.take(response);
  return response;
}

/** Starts a login at the app: the jar holds its transaction, the URL is the emulator's. */
export async function startLogin(
  appUrl: string,
  example: LoginExample,
  returnTo?: string,
): Promise<{ jar: CookieJar; authorizationUrl: string }> {
  const jar = new CookieJar();
  const query = returnTo === undefined ? '' : `?returnTo=${returnTo}`;
  const start = await get(jar, `${appUrl}${example.loginPath}${query}`);
  const authorizationUrl = start.headers.get('location');
  if (authorizationUrl === null) throw new Error(`the login did not start (${start.status})`);
  return { jar, authorizationUrl };
}

/**
 * A whole login over HTTP, as a browser makes it: the app's login, the emulator's sign-in and
 * consent pages, the app's callback.
 * @returns the jar (session cookie included) and the callback's reply.
 */
export async function loginOverHttp(
  appUrl: string,
  example: LoginExample,
  returnTo?: string,
): Promise<{ jar: CookieJar; callback: Response }> {
  const { jar, authorizationUrl } = await startLogin(appUrl, example, returnTo);
  const callbackUrl = await signInAtEmulator(authorizationUrl, 'alice');
  return { jar, callback: await get(jar, callbackUrl) };
}

/** Every route of a login example, with a signed-in session and a login in flight. */
export async function loginExampleRoutes(
  appUrl: string,
  example: LoginExample,
): Promise<HostileRoute[]> {
  const { jar } = await loginOverHttp(appUrl, example);
  const session = { [example.sessionCookie]: jar.get(example.sessionCookie) };
  const pending = await startLogin(appUrl, example);
  const state = new URL(pending.authorizationUrl).searchParams.get('state') ?? '';
  const inFlight = Object.fromEntries(pending.jar.cookies);
  const routes: HostileRoute[] = [
    { method: 'GET', path: '/', query: { loggedOut: '1' }, cookies: session },
    { method: 'GET', path: example.loginPath, query: { returnTo: '%2Forders' } },
    {
      method: 'GET',
      path: example.callbackPath,
      query: { code: 'unknown-code', state, error_description: 'x' },
      cookies: inFlight,
    },
    { method: 'GET', path: '/profile', cookies: session },
    { method: 'GET', path: '/orders', cookies: session },
    // A wrong token: the logout is refused, so the session stays valid for every case.
    { method: 'POST', path: '/logout', form: { csrf: 'not-the-token' }, cookies: session },
    { method: 'GET', path: '/nowhere/:page', params: { page: 'x' } },
  ];
  if (example.name === 'express-passport') routes.push({ method: 'GET', path: '/style.css' });
  return routes;
}

/**
 * The callback cases that carry a live transaction and an unknown `code`, so that the code reaches
 * the provider's token endpoint, which refuses it (`invalid_grant`).
 */
export function forgedCodeCases(example: LoginExample): CaseFilter {
  const prefix = `GET ${example.callbackPath} `;
  return (item) =>
    item.name.startsWith(prefix) &&
    /^(?:benign|query code=|query error_description=)/.test(item.name.slice(prefix.length));
}
