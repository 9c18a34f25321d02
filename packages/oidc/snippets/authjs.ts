// auth.ts: the Auth.js configuration, for next-auth v5, @auth/express or @auth/sveltekit.
import type { AuthConfig } from '@auth/core';
import Neverlose, { type NeverloseSessionUser, sameOriginRedirect } from 'neverlose-oidc/authjs';

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
  providers: [
    // The client id and secret come from AUTH_NEVERLOSE_ID and AUTH_NEVERLOSE_SECRET, checked at
    // the first sign-in (`providers: [Neverlose]` also takes the issuer from AUTH_NEVERLOSE_ISSUER).
    Neverlose({
      issuer: process.env.AUTH_NEVERLOSE_ISSUER, // unset: https://neverlose.cc
      dangerouslyAllowInsecureHttp: process.env.AUTH_NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator
    }),
  ],
  callbacks: {
    // Where a sign-in ends comes from the visitor (callbackUrl): keep it on this app.
    redirect: sameOriginRedirect,
    // On sign-in, `user` is what the provider's profile() returned.
    jwt: ({ token, user }) => (user?.neverlose ? { ...token, neverlose: user.neverlose } : token),
    session: ({ session, token }) => ({ ...session, neverlose: token.neverlose }),
  },
} satisfies AuthConfig;

// next-auth v5:    export const { handlers, auth, signIn, signOut } = NextAuth(authConfig);
// @auth/express:   app.use('/auth', ExpressAuth(authConfig));
// @auth/sveltekit: export const { handle } = SvelteKitAuth(authConfig);
// Register the callback https://app.example/auth/callback/neverlose (api/auth/... in Next.js).
