// auth.ts at the root of a Next.js App Router app (next-auth v4). Typechecked by
// tsconfig.bundler.json: Next.js apps resolve modules as a bundler does.
import Neverlose, { type NeverloseSessionUser, sameOriginRedirect } from 'neverlose-oidc/next-auth';
import NextAuth, { getServerSession, type NextAuthOptions } from 'next-auth';

// The Neverlose profile, typed in the JWT and the session.
declare module 'next-auth' {
  interface User {
    neverlose?: NeverloseSessionUser;
  }
  interface Session {
    neverlose?: NeverloseSessionUser;
  }
}
declare module 'next-auth/jwt' {
  interface JWT {
    neverlose?: NeverloseSessionUser;
  }
}

// Checked on first use (a sign-in, a session read), so `next build` needs none of these.
export const authOptions: NextAuthOptions = {
  providers: [
    Neverlose({
      clientId: process.env.NEVERLOSE_CLIENT_ID!,
      clientSecret: process.env.NEVERLOSE_CLIENT_SECRET!,
      issuer: process.env.NEVERLOSE_ISSUER, // unset: https://neverlose.cc
      dangerouslyAllowInsecureHttp: process.env.NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator
    }),
  ],
  callbacks: {
    // Where a sign-in ends comes from the visitor (callbackUrl): keep it on this app.
    redirect: sameOriginRedirect,
    jwt: ({ token, user }) => (user?.neverlose ? { ...token, neverlose: user.neverlose } : token),
    session: ({ session, token }) => ({ ...session, neverlose: token.neverlose }),
  },
};

// next-auth's routes, served by app/api/auth/[...nextauth]/route.ts below.
export const handler = NextAuth(authOptions);

// In a server component: the signed-in user, or undefined.
export async function currentUser(): Promise<NeverloseSessionUser | undefined> {
  return (await getServerSession(authOptions))?.neverlose;
}
