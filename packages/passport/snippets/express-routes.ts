import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { NeverloseStrategy, redirectToReturnTo } from 'passport-neverlose';

passport.use(
  new NeverloseStrategy(
    {
      // The options of neverlose-oidc's createNeverloseClient, as they are.
      client: {
        clientId: process.env.NEVERLOSE_CLIENT_ID!,
        clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
      },
      callbackURL: '/auth/neverlose/callback', // resolved against each request's host
      returnToParam: 'returnTo', // /auth/neverlose?returnTo=/settings
    },
    (_accessToken, profile, done) => {
      // profile.id is the stable Neverlose user id
      findOrCreateUser(profile).then((user) => done(null, user), done);
    },
  ),
);
// What the session keeps of a user, and how it comes back.
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id: string, done) => {
  findUser(id).then((user) => done(null, user ?? false), done);
});

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
app.use(passport.session());
app.get('/auth/neverlose', passport.authenticate('neverlose'));
app.get(
  '/auth/neverlose/callback',
  passport.authenticate('neverlose', { failureRedirect: '/login' }),
  redirectToReturnTo('/'),
);
