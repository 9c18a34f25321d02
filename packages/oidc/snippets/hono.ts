import { Hono } from 'hono';
import { html } from 'hono/html';
import { createNeverloseClient } from 'neverlose-oidc';
import { type NeverloseEnv, neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';

// #region readme
type Env = NeverloseEnv & {
  Bindings: {
    NEVERLOSE_CLIENT_ID: string;
    NEVERLOSE_CLIENT_SECRET: string;
    SESSION_SECRET: string;
  };
};
const app = new Hono<Env>();

// Handles GET /auth/neverlose?returnTo=/path, GET /auth/neverlose/callback and
// POST /auth/neverlose/logout; sets c.var.neverloseUser on every other request.
app.use(
  neverloseAuth({
    // Created on the first request (Workers read their secrets from c.env), then kept.
    client: (c) =>
      createNeverloseClient({
        clientId: c.env.NEVERLOSE_CLIENT_ID,
        clientSecret: c.env.NEVERLOSE_CLIENT_SECRET,
        redirectUri: 'https://app.example/auth/neverlose/callback',
      }),
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

export default app; // Workers and Bun; on Node: serve({ fetch: app.fetch }) from @hono/node-server
// #endregion
