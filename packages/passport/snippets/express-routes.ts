import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import session from 'express-session';
import passport from 'passport';
import { httpStatusOf, NeverloseStrategy, redirectToReturnTo } from 'passport-neverlose';

// What the app keeps of a user in the session (req.user), and the logout form's token.
declare global {
  namespace Express {
    interface User {
      id: string;
      username?: string;
    }
  }
}
declare module 'express-session' {
  interface SessionData {
    csrf?: string;
  }
}

passport.use(
  new NeverloseStrategy(
    {
      // The options of neverlose-oidc's createNeverloseClient, as they are.
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
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

const app = express();
app.set('trust proxy', 1); // behind your TLS-terminating proxy: the session cookie is Secure
app.use(
  session({
    name: '__Host-session', // Secure, Path=/, no Domain: no other host can set it
    secret: process.env.SESSION_SECRET!,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
  }),
);
app.use(passport.session());
app.use(express.urlencoded({ extended: false, limit: '4kb' }));

// A login is bound to this browser's session: a callback URL opened elsewhere signs nobody in.
app.get('/auth/neverlose', passport.authenticate('neverlose'));
app.get(
  '/auth/neverlose/callback',
  passport.authenticate('neverlose', { failureRedirect: '/' }),
  redirectToReturnTo('/'),
);

const escapeHtml = (text = '') => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
app.get('/', (req, res) => {
  if (req.user === undefined) return void res.send('<a href="/auth/neverlose">Log in</a>');
  req.session.csrf ??= randomBytes(32).toString('base64url'); // the logout form's token
  res.send(`<p>Signed in as ${escapeHtml(req.user.username)}</p>
    <form method="post" action="/logout">
      <input type="hidden" name="csrf" value="${req.session.csrf}"><button>Log out</button>
    </form>`);
});

// Neverlose publishes no end_session_endpoint: logging out ends your app's session, not the
// user's session at Neverlose. A POST carrying the session's token: no other site can send one.
app.post('/logout', (req, res, next) => {
  const sent = Buffer.from(typeof req.body?.csrf === 'string' ? req.body.csrf : '');
  const expected = Buffer.from(req.session.csrf ?? '');
  if (
    expected.length === 0 ||
    sent.length !== expected.length ||
    !timingSafeEqual(sent, expected)
  ) {
    return res.status(403).send('The logout form expired: reload the page.');
  }
  // Passport 0.7 regenerates the session: the logged-in session and its id are gone. Then the
  // new, empty session and its cookie go too.
  req.logout((error) => {
    if (error) return next(error);
    req.session.destroy((destroyError) => {
      if (destroyError) return next(destroyError);
      res.clearCookie('__Host-session', {
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'lax',
      });
      res.redirect(303, '/');
    });
  });
});

// The provider failed (its token endpoint, the id_token, the network): a 502 page, not a 500.
const loginFailed: ErrorRequestHandler = (error, _req, res, next) => {
  const status = httpStatusOf(error);
  if (status === undefined) return next(error);
  res.status(status).type('text/plain').send(`Login failed (${error.code}): try again shortly.`);
};
app.use(loginFailed);

export const server = app.listen(Number(process.env.PORT ?? 3000));
