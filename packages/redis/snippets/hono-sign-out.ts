// server.ts: every instance behind the load balancer runs this file, with the same .env.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createNeverloseClient } from 'neverlose-oidc';
import { type NeverloseEnv, neverloseAuth, requireNeverloseUser } from 'neverlose-oidc/hono';
import { connectRedis } from 'neverlose-redis';
import { RedisSessionRevocationStore } from 'neverlose-redis/oidc';
import { createClient } from 'redis';

// Start-up fails within 10 s, in one error naming the last attempt, when Redis does not answer.
const redis = await connectRedis(createClient({ url: process.env.REDIS_URL }), {
  // Then a restart or failover breaks the connection: node-redis reports it here and reconnects.
  onError: (error) => console.error('Redis connection lost:', error.message),
});

const client = await createNeverloseClient({
  clientId: process.env.NEVERLOSE_CLIENT_ID ?? '',
  clientSecret: process.env.NEVERLOSE_CLIENT_SECRET ?? '',
  issuer: process.env.NEVERLOSE_ISSUER, // unset: https://neverlose.cc
  dangerouslyAllowInsecureHttp: process.env.NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator only
});

const app = new Hono<NeverloseEnv>();
app.use(
  neverloseAuth({
    client,
    publicUrl: process.env.PUBLIC_URL ?? '', // the load balancer's origin
    secret: process.env.SESSION_SECRET ?? '', // the same on every instance: any opens a session
    // Signing out on any instance refuses the session's cookie on every instance (a copy taken
    // before included) until it would have expired. If Redis does not answer within 5 s, the
    // request is answered 503 ERR_SESSION_STORE: nobody is let in unchecked.
    sessionRevocations: new RedisSessionRevocationStore(redis),
  }),
);

app.get('/account', requireNeverloseUser(), (c) =>
  c.json({ user: c.var.neverloseUser, csrf: c.var.neverloseCsrfToken }),
);

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
