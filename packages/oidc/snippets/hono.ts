// server.ts: `node --env-file=.env server.ts` runs it (Node 22.18+ runs TypeScript; tsx or a
// build step before).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { createNeverloseClient } from 'neverlose-oidc';
import { type NeverloseEnv, neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';

type Env = NeverloseEnv & {
  Bindings: {
    NEVERLOSE_CLIENT_ID: string;
    NEVERLOSE_CLIENT_SECRET: string;
    SESSION_SECRET: string;
    PUBLIC_URL: string;
    NEVERLOSE_ISSUER?: string;
    NEVERLOSE_ALLOW_INSECURE_HTTP?: string;
  };
};
const app = new Hono<Env>();

// Handles GET /auth/neverlose?returnTo=/path, GET /auth/neverlose/callback and
// POST /auth/neverlose/logout; sets c.var.neverloseUser on every other request.
app.use(
  neverloseAuth({
    // Created on the first request from c.env (Workers bindings; on Node, process.env below).
    client: (c) =>
      createNeverloseClient({
        clientId: c.env.NEVERLOSE_CLIENT_ID,
        clientSecret: c.env.NEVERLOSE_CLIENT_SECRET,
        issuer: c.env.NEVERLOSE_ISSUER, // unset: https://neverlose.cc
        dangerouslyAllowInsecureHttp: c.env.NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator only
      }),
    // https://app.example: the callback is <PUBLIC_URL>/auth/neverlose/callback, and cookies are
    // Secure and __Host- on https, behind a TLS-terminating proxy too.
    publicUrl: (c) => c.env.PUBLIC_URL,
    secret: (c) => c.env.SESSION_SECRET, // `openssl rand -base64 32`; seals both cookies
    afterLoginPath: '/account',
  }),
);

app.get('/', (c) => {
  const user = c.var.neverloseUser;
  if (!user) return c.html(html`<a href="/auth/neverlose">Login with Neverlose</a>`);
  // The sign-out form must post the session's token: a form from another site cannot know it.
  return c.html(html`Hi ${user.username ?? user.id}
    <form method="post" action="/auth/neverlose/logout">
      <input type="hidden" name="csrf" value="${c.var.neverloseCsrfToken}"><button>Log out</button>
    </form>`);
});

// No session: GET is sent through the login and back here, other methods get 401.
app.get('/account', requireNeverloseUser(), (c) => c.json(c.var.neverloseUser));

// Node: c.env is what fetch is given, so hand it process.env. Workers and Bun: `export default app`.
export const server = serve({
  fetch: (request) => app.fetch(request, process.env),
  port: Number(process.env.PORT ?? 3000),
});
