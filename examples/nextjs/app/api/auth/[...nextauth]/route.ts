import NextAuth from 'next-auth';
import { authOptions } from '../../../../auth';

type Context = { params: Promise<{ nextauth: string[] }> };

/** The cookie next-auth v4 keeps the callback URL in, with or without the `__Secure-` prefix. */
const CALLBACK_URL_COOKIE = /^(?:__Secure-)?next-auth\.callback-url$/;

/** next-auth's own rule for a callback URL: an http(s) URL, or a path resolved on the app. */
function isHttpUrl(value: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith('/') ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/** A cookie value as Next reads it: percent-decoded when it decodes. */
function cookieValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * next-auth v4 answers 500 ("a problem with the server configuration") to a `callbackUrl` query
 * parameter or callback-URL cookie that is not an http(s) URL. Both come from the visitor: such a
 * request is answered 400 here, and the cookie cleared so that the next sign-in works.
 */
function refuseBadCallbackUrl(request: Request, url: URL): Response | undefined {
  const param = url.searchParams.get('callbackUrl');
  const badCookies = (request.headers.get('cookie') ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0 || !CALLBACK_URL_COOKIE.test(pair.slice(0, eq))) return false;
      return !isHttpUrl(cookieValue(pair.slice(eq + 1)), url.origin);
    })
    .map((pair) => pair.slice(0, pair.indexOf('=')));
  if ((param === null || isHttpUrl(param, url.origin)) && badCookies.length === 0) return undefined;
  const headers = new Headers({
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  for (const name of badCookies) {
    const secure = name.startsWith('__Secure-') ? '; Secure' : '';
    headers.append('set-cookie', `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
  }
  return new Response('That sign-in link does not lead back to this site. Start again.', {
    status: 400,
    headers,
  });
}

/**
 * next-auth v4's error route copies its `error` (the query parameter, else the path segment after
 * `error/`) into a `Location` header as it came: a character a header cannot carry makes it 500.
 * Its codes are words (`Callback`, `OAuthSignin`...): anything else is answered 400 here.
 */
function refuseBadErrorCode(url: URL, segments: readonly string[]): Response | undefined {
  if (segments[0] !== 'error') return undefined;
  const code = url.searchParams.get('error') ?? segments[1];
  if (code === undefined || /^[A-Za-z]{1,64}$/.test(code)) return undefined;
  return new Response('There is no such sign-in error.', {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** The app's origin as browsers see it: NEXTAUTH_URL when set (next-auth uses it too). */
function publicOrigin(url: URL): string {
  const configured = process.env['NEXTAUTH_URL'];
  return configured !== undefined && URL.canParse(configured)
    ? new URL(configured).origin
    : url.origin;
}

async function handler(request: Request, context: Context): Promise<Response> {
  const url = new URL(request.url);
  // next-auth v4 reports a refused consent as any other callback failure ("Callback"): the
  // example tells the visitor it was their choice. No session is created on this path.
  if (
    url.pathname === '/api/auth/callback/neverlose' &&
    url.searchParams.get('error') === 'access_denied'
  ) {
    // The public origin (NEXTAUTH_URL, from PUBLIC_URL), not the request's: behind a proxy the
    // request says http:// and an inner host.
    return Response.redirect(new URL('/auth/declined', publicOrigin(url)), 302);
  }
  const refused =
    refuseBadCallbackUrl(request, url) ??
    refuseBadErrorCode(url, (await context.params).nextauth ?? []);
  if (refused !== undefined) return refused;
  return NextAuth(request as never, context as never, authOptions) as Promise<Response>;
}

export { handler as GET, handler as POST };
