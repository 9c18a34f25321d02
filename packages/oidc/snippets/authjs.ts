import type { AuthConfig } from '@auth/core';
import Neverlose, { type NeverloseSessionUser } from 'neverlose-oidc/authjs';

// The Neverlose profile, typed in the JWT and the session.
declare module '@auth/core/types' {
  interface User {
    neverlose?: NeverloseSessionUser;
  }
  interface Session {
    neverlose?: NeverloseSessionUser;
  }
}
declare module '@auth/core/jwt' {
  interface JWT {
    neverlose?: NeverloseSessionUser;
  }
}

export const authConfig = {
  // Reads AUTH_NEVERLOSE_ID, AUTH_NEVERLOSE_SECRET and AUTH_NEVERLOSE_ISSUER (unset:
  // https://neverlose.cc), checked at the first sign-in. Options: Neverlose({ scopes, ... }).
  providers: [Neverlose],
  callbacks: {
    // On sign-in, `user` is what the provider's profile() returned.
    jwt: ({ token, user }) => (user?.neverlose ? { ...token, neverlose: user.neverlose } : token),
    session: ({ session, token }) => ({ ...session, neverlose: token.neverlose }),
  },
} satisfies AuthConfig;

// next-auth v5:    export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);
// @auth/express:   app.use('/auth/*', ExpressAuth(authConfig));
// @auth/sveltekit: export const { handle } = SvelteKitAuth(authConfig);
// Register the callback https://app.example/auth/callback/neverlose (api/auth/... in Next.js).
