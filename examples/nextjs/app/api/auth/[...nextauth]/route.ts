import NextAuth from 'next-auth';
import { authOptions } from '../../../../auth';

type Context = { params: Promise<{ nextauth: string[] }> };

async function handler(request: Request, context: Context): Promise<Response> {
  const url = new URL(request.url);
  // next-auth v4 reports a refused consent as any other callback failure ("Callback"): the
  // example tells the visitor it was their choice. No session is created on this path.
  if (
    url.pathname === '/api/auth/callback/neverlose' &&
    url.searchParams.get('error') === 'access_denied'
  ) {
    return Response.redirect(new URL('/auth/declined', url), 302);
  }
  return NextAuth(request as never, context as never, authOptions()) as Promise<Response>;
}

export { handler as GET, handler as POST };
