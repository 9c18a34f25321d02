import { betterAuth } from 'better-auth';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import { neverlose } from 'neverlose-oidc/better-auth';

// #region readme
export const auth = betterAuth({
  database, // e.g. new Database('auth.db') from better-sqlite3
  plugins: [
    genericOAuth({
      config: [
        neverlose({
          clientId: process.env.NEVERLOSE_CLIENT_ID!,
          clientSecret: process.env.NEVERLOSE_CLIENT_SECRET!,
        }),
      ],
    }),
  ],
});
// Sign in:  auth.api.signInSocial({ body: { provider: 'neverlose', callbackURL: '/account' } })
//           (authClient.signIn.social({ provider: 'neverlose' }) in the browser)
// Callback: https://app.example/api/auth/callback/neverlose
// #endregion
