// neverlose-oidc's Hono middleware, served by @hono/node-server, against the emulator named by
// NEVERLOSE_ISSUER.
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { createNeverloseClient } from 'neverlose-oidc';
import { neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';
import { serve } from './listen.mjs';

const port = Number(process.argv[2]);
const app = new Hono();
app.use(
  neverloseAuth({
    client: () =>
      createNeverloseClient({
        issuer: process.env.NEVERLOSE_ISSUER,
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        dangerouslyAllowInsecureHttp: true,
      }),
    secret: 'hostile-hono-secret-MNjx8RzP1vYq3LwT6bKc9dFh',
    publicUrl: `http://127.0.0.1:${port}`,
  }),
);
app.get('/account', requireNeverloseUser(), (c) => c.json(c.var.neverloseUser));
serve(getRequestListener(app.fetch));
