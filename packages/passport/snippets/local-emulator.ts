import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { NeverloseStrategy, redirectToReturnTo } from 'passport-neverlose';

// What the app keeps of a user in the session (req.user).
declare global {
  namespace Express {
    interface User {
      id: string;
      username?: string;
    }
  }
}

// `npx neverlose-emulator` serves a local Neverlose at http://127.0.0.1:4010. Its seed registers
// the client below for http://127.0.0.1:3000/auth/neverlose/callback (and on ports 3001, 5173 and
// 8080); its sign-in page offers the users alice, bob and charlie. Open the app at
// http://127.0.0.1:3000, the host of the callback: a browser keeps cookies per host, and
// localhost is another one.
const PORT = Number(process.env.PORT ?? 3000);
passport.use(
  new NeverloseStrategy(
    {
      client: {
        issuer: process.env.NEVERLOSE_ISSUER ?? 'http://127.0.0.1:4010',
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        dangerouslyAllowInsecureHttp: true, // the emulator speaks plain HTTP, on loopback only
      },
      callbackURL: `http://127.0.0.1:${PORT}/auth/neverlose/callback`,
    },
    (_accessToken, profile, done) => done(null, { id: profile.id, username: profile.username }),
  ),
);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
app.use(passport.session());
app.get('/auth/neverlose', passport.authenticate('neverlose'));
app.get(
  '/auth/neverlose/callback',
  passport.authenticate('neverlose', { failureRedirect: '/' }),
  redirectToReturnTo('/'),
);
app.get('/', (req, res) => {
  res.type('text/plain'); // text only: no markup from a profile
  res.send(req.user ? `Signed in as ${req.user.username}` : 'Log in at /auth/neverlose');
});
export const server = app.listen(PORT, '127.0.0.1');
