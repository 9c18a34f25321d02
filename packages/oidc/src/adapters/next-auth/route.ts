import { readBoundedText } from '@neverlose-toolkit/internal/bounded-body';

/** The context Next.js gives a route handler of `app/api/auth/[...nextauth]/route.ts`. */
export interface NextAuthRouteContext {
  readonly params: Promise<{ nextauth?: string[] }> | { nextauth?: string[] };
}

/**
 * A route handler of the App Router: next-auth v4's `NextAuth(authOptions)`, or what
 * {@link guardNextAuthRoute} returns.
 */
export type NextAuthRoute = (request: Request, context: NextAuthRouteContext) => Promise<Response>;

/** The largest body read: next-auth's forms hold a token, a URL and a few flags. */
const MAX_BODY_BYTES = 16 * 1024;
/** The cookie next-auth v4 keeps the callback URL in, with or without the `__Secure-` prefix. */
const CALLBACK_URL_COOKIE = /^(?:__Secure-)?next-auth\.callback-url$/;

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' };

function refusal(status: 400 | 413, message: string, headers: HeadersInit = {}): Response {
  const all = new Headers(TEXT);
  for (const [name, value] of new Headers(headers)) all.append(name, value);
  return new Response(message, { status, headers: all });
}

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

/** A `callbackUrl` parameter or callback-URL cookie next-auth would answer 500 to. */
function badCallbackUrl(request: Request, url: URL): Response | undefined {
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
  // The cookie is cleared, so that the next sign-in works.
  const headers = new Headers();
  for (const name of badCookies) {
    const secure = name.startsWith('__Secure-') ? '; Secure' : '';
    headers.append('set-cookie', `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
  }
  return refusal(400, 'That sign-in link does not lead back to this site. Start again.', headers);
}

/** An error code next-auth would copy into a `Location` header as it came (500 on a CR). */
function badErrorCode(url: URL, segments: readonly string[]): Response | undefined {
  if (segments[0] !== 'error') return undefined;
  const code = url.searchParams.get('error') ?? segments[1];
  if (code === undefined || /^[A-Za-z]{1,64}$/.test(code)) return undefined;
  return refusal(400, 'There is no such sign-in error.');
}

/** A POST body next-auth would read whole, or fail to parse (500). */
async function badBody(request: Request): Promise<Response | undefined> {
  if (request.method !== 'POST' || request.body === null) return undefined;
  // Read from a copy: what it reads stays buffered for next-auth's own read of the original.
  const text = await readBoundedText(request.clone(), MAX_BODY_BYTES);
  if (text === undefined) {
    request.body.cancel().catch(() => undefined);
    return refusal(413, 'The request body is too large.');
  }
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return refusal(400, 'The request body is not JSON.');
  }
}

/**
 * next-auth v4's route handler for the App Router, answering 4xx where next-auth would read
 * without limit or answer 500:
 *
 * - a POST body over 16 KiB, counted as it arrives (a chunked one too): 413. next-auth reads the
 *   whole body into memory, and Next.js sets no limit on a route handler's;
 * - a JSON body that does not parse: 400;
 * - a `callbackUrl` query parameter or callback-URL cookie that is not an http(s) URL: 400, the
 *   cookie cleared;
 * - an error code (`/error?error=`, `/error/<code>`) that is not a word: 400.
 *
 * Everything else goes to `handler` unchanged.
 *
 * @example
 * ```ts
 * // app/api/auth/[...nextauth]/route.ts
 * const route = guardNextAuthRoute(NextAuth(authOptions));
 * export { route as GET, route as POST };
 * ```
 */
export function guardNextAuthRoute(handler: NextAuthRoute): NextAuthRoute {
  return async (request, context) => {
    const url = new URL(request.url);
    const { nextauth = [] } = await context.params;
    return (
      badCallbackUrl(request, url) ??
      badErrorCode(url, nextauth) ??
      (await badBody(request)) ??
      handler(request, context)
    );
  };
}
