// server.ts: better-auth with Login with Neverlose on node:http. `node --env-file=.env server.ts`
// runs it (Node 22.18+ runs TypeScript; tsx or a build step before).
import { createServer } from 'node:http';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';
import { neverlose } from 'neverlose-oidc/better-auth';

export const auth = betterAuth({
  baseURL: process.env.PUBLIC_URL, // https://app.example: the callback, redirects, Secure cookies
  secret: process.env.BETTER_AUTH_SECRET, // `openssl rand -base64 32`
  database: new Database(process.env.DATABASE_PATH ?? 'auth.db'),
  plugins: [
    // Sign in: authClient.signIn.social({ provider: 'neverlose' }) in the browser, or
    // auth.api.signInSocial({ body: { provider: 'neverlose', callbackURL: '/account' } }).
    // Callback: https://app.example/api/auth/callback/neverlose
    neverlose({
      clientId: process.env.NEVERLOSE_CLIENT_ID!,
      clientSecret: process.env.NEVERLOSE_CLIENT_SECRET!,
      issuer: process.env.NEVERLOSE_ISSUER, // unset: https://neverlose.cc
      dangerouslyAllowInsecureHttp: process.env.NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator
    }),
  ],
});

// The tables once (better-auth's migrations), then better-auth's routes on /api/auth/*.
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
export const server = createServer(toNodeHandler(auth)).listen(Number(process.env.PORT ?? 3000));
