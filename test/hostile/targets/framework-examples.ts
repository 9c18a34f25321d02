import { signInAtEmulator } from '../../support/sign-in.js';
import type { HostileRoute } from '../inputs.js';
import { CookieJar, get, type LoginExample, startLogin } from './login-examples.js';

// The better-auth and Next.js examples: their own pages and the framework's routes they mount
// (better-auth's /api/auth/*, next-auth's /api/auth/*), run as their READMEs run them.

export const BETTER_AUTH: LoginExample = {
  name: 'better-auth',
  loginPath: '/login',
  callbackPath: '/api/auth/callback/neverlose',
  sessionCookie: 'better-auth.session_token',
};

export const AUTHJS_EXPRESS: LoginExample = {
  name: 'authjs-express',
  loginPath: '/login',
  callbackPath: '/auth/callback/neverlose',
  sessionCookie: 'authjs.session-token',
};

export const NEXTJS: LoginExample = {
  name: 'nextjs',
  loginPath: '/api/auth/signin/neverlose',
  callbackPath: '/api/auth/callback/neverlose',
  sessionCookie: 'next-auth.session-token',
};

/** A login at the app started as its pages start one: the jar holds it, the URL is the emulator's. */
async function startFrameworkLogin(
  appUrl: string,
  example: LoginExample,
): Promise<{ jar: CookieJar; authorizationUrl: string; csrfToken: string }> {
  if (example !== NEXTJS) {
    const started = await startLogin(appUrl, example);
    // Auth.js's sign-out form posts its CSRF token, whose cookie the login already set.
    const csrfToken = started.jar.cookies.get('authjs.csrf-token')?.split('%7C')[0] ?? '';
    return { ...started, csrfToken };
  }
  // next-auth signs in with a POST carrying its CSRF token (a double-submit cookie).
  const jar = new CookieJar();
  const { csrfToken } = (await (await get(jar, `${appUrl}/api/auth/csrf`)).json()) as {
    csrfToken: string;
  };
  const start = await fetch(`${appUrl}${example.loginPath}`, {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl: '/profile' }),
    redirect: 'manual',
  });
  jar.take(start);
  const authorizationUrl = start.headers.get('location');
  if (authorizationUrl === null) throw new Error(`the login did not start (${start.status})`);
  return { jar, authorizationUrl, csrfToken };
}

/** A whole login over HTTP, as a browser makes it: the jar ends with the session cookie. */
export async function frameworkLogin(appUrl: string, example: LoginExample): Promise<CookieJar> {
  const { jar, authorizationUrl } = await startFrameworkLogin(appUrl, example);
  const callback = await get(jar, await signInAtEmulator(authorizationUrl, 'alice'));
  if (callback.status >= 400) throw new Error(`the login failed (${callback.status})`);
  jar.get(example.sessionCookie);
  return jar;
}

/** Every route of the example, with a signed-in session and a login in flight. */
export async function frameworkExampleRoutes(
  appUrl: string,
  example: LoginExample,
): Promise<HostileRoute[]> {
  const session = {
    [example.sessionCookie]: (await frameworkLogin(appUrl, example)).get(example.sessionCookie),
  };
  const pending = await startFrameworkLogin(appUrl, example);
  const authorization = new URL(pending.authorizationUrl);
  const state = authorization.searchParams.get('state') ?? '';
  const inFlight = Object.fromEntries(pending.jar.cookies);
  // A forged code with the login's state: it reaches the token endpoint, which refuses it.
  const callback: HostileRoute = {
    method: 'GET',
    path: example.callbackPath,
    query: { code: 'unknown-code', state, iss: encodeURIComponent(authorization.origin) },
    cookies: inFlight,
  };
  const pages: HostileRoute[] = [
    { method: 'GET', path: '/', query: { loggedOut: '1' }, cookies: session },
    { method: 'GET', path: '/profile', cookies: session },
    { method: 'GET', path: '/orders', cookies: session },
    { method: 'GET', path: '/nowhere/:page', params: { page: 'x' } },
    callback,
  ];
  if (example === NEXTJS) {
    return [
      ...pages,
      { method: 'GET', path: '/login', query: { returnTo: '%2Forders', error: 'Callback' } },
      { method: 'GET', path: '/auth/declined' },
      { method: 'GET', path: '/api/auth/csrf' },
      { method: 'GET', path: '/api/auth/providers' },
      { method: 'GET', path: '/api/auth/session', cookies: session },
      {
        method: 'POST',
        path: example.loginPath,
        form: { csrfToken: pending.csrfToken, callbackUrl: '%2Fprofile' },
        cookies: inFlight,
      },
      // A wrong token: the sign-out is refused, so the session stays valid for every case.
      {
        method: 'POST',
        path: '/api/auth/signout',
        form: { csrfToken: 'not-the-token', callbackUrl: '%2F' },
        cookies: session,
      },
      { method: 'GET', path: '/api/auth/:action', params: { action: 'providers' } },
      { method: 'GET', path: '/api/auth/signin', query: { callbackUrl: '%2Forders' } },
      { method: 'GET', path: '/api/auth/error', query: { error: 'Callback' } },
    ];
  }
  if (example === AUTHJS_EXPRESS) {
    return [
      ...pages,
      { method: 'GET', path: example.loginPath, query: { returnTo: '%2Forders' } },
      { method: 'GET', path: '/login-failed', query: { error: 'Configuration' } },
      { method: 'GET', path: '/declined' },
      { method: 'GET', path: '/auth/csrf' },
      { method: 'GET', path: '/auth/providers' },
      { method: 'GET', path: '/auth/session', cookies: session },
      {
        method: 'POST',
        path: '/auth/signin/neverlose',
        form: { csrfToken: pending.csrfToken, callbackUrl: '%2Fprofile' },
        cookies: inFlight,
      },
      // A wrong token: the sign-out is refused, so the session stays valid for every case.
      {
        method: 'POST',
        path: '/auth/signout',
        form: { csrfToken: 'not-the-token' },
        cookies: session,
      },
      { method: 'GET', path: '/auth/:action', params: { action: 'providers' } },
      { method: 'GET', path: '/auth/error', query: { error: 'Callback' } },
    ];
  }
  return [
    ...pages,
    { method: 'GET', path: example.loginPath, query: { returnTo: '%2Forders' } },
    { method: 'GET', path: '/auth/error', query: { error: 'access_denied' } },
    { method: 'GET', path: '/api/auth/get-session', cookies: session },
    {
      method: 'POST',
      path: '/api/auth/sign-in/social',
      json: { provider: '"neverlose"', callbackURL: '"/profile"' },
    },
    // Another site's Origin: both sign-outs are refused, so the session stays valid.
    {
      method: 'POST',
      path: '/logout',
      headers: { Origin: 'https://attacker.example' },
      cookies: session,
    },
    {
      method: 'POST',
      path: '/api/auth/sign-out',
      headers: { Origin: 'https://attacker.example' },
      cookies: session,
    },
  ];
}
