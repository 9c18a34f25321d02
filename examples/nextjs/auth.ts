import Neverlose, { sameOriginRedirect } from 'neverlose-oidc/next-auth';
import type { NextAuthOptions } from 'next-auth';

/**
 * next-auth v4 with the Neverlose provider, configured from the environment as a Next.js app is.
 * Nothing is checked when this module loads: `next build` imports it without the secrets, and
 * the provider checks its options on first use (a missing one names its variable). JWT sessions
 * in an encrypted cookie: no database.
 */
export const authOptions: NextAuthOptions = {
  secret: process.env['NEXTAUTH_SECRET'],
  providers: [
    Neverlose({
      clientId: process.env['NEVERLOSE_CLIENT_ID'] as string,
      clientSecret: process.env['NEVERLOSE_CLIENT_SECRET'] as string,
      issuer: process.env['NEVERLOSE_ISSUER'] || 'https://neverlose.cc',
      dangerouslyAllowInsecureHttp: process.env['NEVERLOSE_ALLOW_INSECURE_HTTP'] === '1',
    }),
  ],
  session: { strategy: 'jwt', maxAge: 8 * 3600 },
  pages: { signIn: '/login', error: '/login' },
  callbacks: {
    // Where a sign-in or sign-out ends comes from the request (the callbackUrl form field or
    // query parameter, or its cookie): only a same-origin path goes into Location, else the
    // home page. next-auth's own check lets through characters a header cannot carry (500).
    redirect: sameOriginRedirect,
    // On sign-in `user` is what the provider's profile() returned: keep the Neverlose profile.
    jwt({ token, user }) {
      if (user?.neverlose) token.neverlose = user.neverlose;
      return token;
    },
    session({ session, token }) {
      if (token.neverlose && session.user) session.user.neverlose = token.neverlose;
      return session;
    },
  },
  // next-auth logs errors with their cause; the callback URL (code, state) is not logged.
  logger: {
    error: (code, metadata) => {
      const cause = (metadata as { error?: { code?: unknown; message?: unknown } } | undefined)
        ?.error;
      const detail =
        typeof cause?.code === 'string' ? ` ${cause.code}: ${String(cause.message)}` : '';
      console.error(`next-auth: ${code}${detail}`);
    },
    warn: () => undefined,
    debug: () => undefined,
  },
};
