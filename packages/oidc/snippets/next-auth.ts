// Typechecked by tsconfig.bundler.json: Next.js apps resolve modules as a bundler does.

import Neverlose, { type NeverloseSessionUser } from 'neverlose-oidc/next-auth';
import NextAuth, { getServerSession, type NextAuthOptions } from 'next-auth';

// types/next-auth.d.ts: the Neverlose profile, typed in the JWT and the session.
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

// auth.ts
export const authOptions: NextAuthOptions = {
  providers: [
    Neverlose({
      clientId: process.env.NEVERLOSE_CLIENT_ID!,
      clientSecret: process.env.NEVERLOSE_CLIENT_SECRET!,
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => (user?.neverlose ? { ...token, neverlose: user.neverlose } : token),
    session: ({ session, token }) => ({ ...session, neverlose: token.neverlose }),
  },
};

// app/api/auth/[...nextauth]/route.ts (callback: https://app.example/api/auth/callback/neverlose)
const handler = NextAuth(authOptions);

export { handler as GET, handler as POST };

// A server component: the signed-in user, or undefined.
export async function currentUser(): Promise<NeverloseSessionUser | undefined> {
  return (await getServerSession(authOptions))?.neverlose;
}
