import type { NeverloseSessionUser } from 'neverlose-oidc/next-auth';

// The Neverlose profile in the JWT and the session, typed.
declare module 'next-auth' {
  interface User {
    neverlose?: NeverloseSessionUser;
  }
  interface Session {
    user?: {
      name?: string | null;
      email?: string | null;
      image?: string | null;
      neverlose?: NeverloseSessionUser;
    };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    neverlose?: NeverloseSessionUser;
  }
}
