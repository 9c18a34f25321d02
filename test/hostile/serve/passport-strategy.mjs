// passport-neverlose's strategy alone on Express with express-session, as its README wires it,
// against the emulator named by NEVERLOSE_ISSUER.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { NeverloseStrategy, redirectToReturnTo } from 'passport-neverlose';
import { serve } from './listen.mjs';

const port = Number(process.argv[2]);
passport.use(
  new NeverloseStrategy(
    {
      client: {
        issuer: process.env.NEVERLOSE_ISSUER,
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
        dangerouslyAllowInsecureHttp: true,
      },
      callbackURL: `http://127.0.0.1:${port}/auth/neverlose/callback`,
      returnToParam: 'returnTo',
    },
    (_accessToken, profile, done) => done(null, { id: profile.id }),
  ),
);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(session({ secret: 'hostile-session-secret', resave: false, saveUninitialized: false }));
app.use(passport.session());
app.get('/auth/neverlose', passport.authenticate('neverlose'));
app.get(
  '/auth/neverlose/callback',
  passport.authenticate('neverlose', { failureRedirect: '/login' }),
  redirectToReturnTo('/'),
);
serve(app);
