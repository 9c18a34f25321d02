import { guardNextAuthRoute, type NextAuthRouteContext } from 'neverlose-oidc/next-auth';
import NextAuth from 'next-auth';
import { authOptions } from '../../../../auth';

/** The app's origin as browsers see it: NEXTAUTH_URL when set (next-auth uses it too). */
function publicOrigin(url: URL): string {
  const configured = process.env['NEXTAUTH_URL'];
  return configured !== undefined && URL.canParse(configured)
    ? new URL(configured).origin
    : url.origin;
}

/**
 * next-auth's routes, behind neverlose-oidc's guard: a body over 16 KiB, a JSON body that does
 * not parse, a callback URL that is not a URL and an error code that is not a word are answered
 * 4xx before next-auth reads them (it would read without limit or answer 500).
 */
const nextAuth = guardNextAuthRoute(NextAuth(authOptions));

async function handler(request: Request, context: NextAuthRouteContext): Promise<Response> {
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
  return nextAuth(request, context);
}

export { handler as GET, handler as POST };
