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

/** What {@link authConfig} needs; `startExample` has it from its options, not the environment. */
export interface AuthSettings {
  readonly secret: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly issuer: string;
  readonly dangerouslyAllowInsecureHttp: boolean;
  /** The app's origin as browsers see it: Auth.js's cookies are `__Secure-` on https. */
  readonly publicUrl: string;
  readonly onError: (error: unknown) => void;
}

/** Auth.js with Neverlose as its only provider, JWT sessions in an encrypted cookie: no database. */
export function authConfig(settings: AuthSettings): AuthConfig {
  return {
    secret: settings.secret,
    // The host is the public origin's: the app sets it on every request before Auth.js runs.
    trustHost: true,
    useSecureCookies: settings.publicUrl.startsWith('https:'),
    providers: [
      Neverlose({
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        issuer: settings.issuer,
        dangerouslyAllowInsecureHttp: settings.dangerouslyAllowInsecureHttp,
      }),
    ],
    session: { strategy: 'jwt', maxAge: 8 * 3600 },
    // Every failed callback (forged, replayed, refused by a check) lands on the app's own page.
    pages: { error: '/login-failed' },
    callbacks: {
      // Only a same-origin path goes into Location, else the home page.
      redirect: sameOriginRedirect,
      // On sign-in `user` is what the provider's profile() returned: keep the Neverlose profile.
      jwt: ({ token, user }) => (user?.neverlose ? { ...token, neverlose: user.neverlose } : token),
      session: ({ session, token }) => ({ ...session, neverlose: token.neverlose }),
    },
    // Auth.js logs errors with their cause; the callback URL (code, state) is not logged.
    logger: {
      error: (error) => settings.onError(error),
      warn: () => undefined,
      debug: () => undefined,
    },
  };
}
