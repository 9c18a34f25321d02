import { Authenticator } from '@fastify/passport';
import fastifySecureSession from '@fastify/secure-session';
import Fastify from 'fastify';
import { httpStatusOf, NeverloseStrategy } from 'passport-neverlose';

// What the app keeps of a user in the session (request.user).
declare module 'fastify' {
  interface PassportUser {
    id: string;
    username?: string;
  }
}

const app = Fastify();
// The whole session in an encrypted cookie (@fastify/session works too, with a server store).
await app.register(fastifySecureSession, {
  key: Buffer.from(process.env.SESSION_KEY!, 'base64'), // 32 bytes: `openssl rand -base64 32`
  cookieName: '__Host-session', // Secure, Path=/, no Domain: no other host can set it
  cookie: { path: '/', httpOnly: true, secure: true, sameSite: 'lax' },
});
const passport = new Authenticator();
await app.register(passport.initialize());
await app.register(passport.secureSession());
passport.use(
  'neverlose',
  new NeverloseStrategy(
    {
      client: {
        clientId: process.env.NEVERLOSE_CLIENT_ID!,
        clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
        issuer: process.env.NEVERLOSE_ISSUER, // unset: https://neverlose.cc
        dangerouslyAllowInsecureHttp: process.env.NEVERLOSE_ALLOW_INSECURE_HTTP === '1', // emulator
      },
      // PUBLIC_URL: the app's https origin as browsers see it (https://app.example).
      callbackURL: `${process.env.PUBLIC_URL}/auth/neverlose/callback`,
      returnToParam: 'returnTo', // /auth/neverlose?returnTo=/settings
    },
    // profile.id is the stable Neverlose user id: key your accounts on it.
    (_accessToken, profile, done) => done(null, { id: profile.id, username: profile.username }),
  ),
);
passport.registerUserSerializer(async (user: { id: string; username?: string }) => user);
passport.registerUserDeserializer(async (user: { id: string; username?: string }) => user);

// A login is bound to this browser's session: a callback URL opened elsewhere signs nobody in.
const login = passport.authenticate('neverlose', { failureRedirect: '/' });
app.get('/auth/neverlose', { preValidation: login }, async () => undefined);
app.get('/auth/neverlose/callback', { preValidation: login }, async (request, reply) => {
  // returnTo is a same-origin path of printable ASCII, safe in a Location header.
  const returnTo = request.authInfo?.['returnTo'];
  return reply.redirect(typeof returnTo === 'string' ? returnTo : '/', 302);
});
app.get('/', async (request, reply) => {
  const user = request.user;
  reply.type('text/plain'); // text only: no markup from a profile
  return user ? `Signed in as ${user.username}` : 'Log in at /auth/neverlose';
});

// The provider failed (its token endpoint, the id_token, the network): 502, not 500.
app.setErrorHandler((error, _request, reply) => {
  const status = httpStatusOf(error);
  if (status === undefined) throw error; // Fastify's own 500
  return reply
    .code(status)
    .type('text/plain')
    .send(`Login failed (${(error as { code: string }).code}): try again shortly.`);
});

await app.listen({ port: Number(process.env.PORT ?? 3000) });

export { app };
