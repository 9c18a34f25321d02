// README snippet: runs against neverlose-emulator (test/docs/emulator-snippets.test.ts).
// #region readme
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { NeverloseStrategy, type PassportNeverloseProfile } from 'passport-neverlose';

passport.use(
  new NeverloseStrategy(
    {
      client: {
        issuer: 'http://127.0.0.1:4010', // the emulator
        dangerouslyAllowInsecureHttp: true, // it speaks http: a local provider only
        clientId: 'emulator-client',
        clientSecret: 'emulator-secret',
      },
      callbackURL: 'http://127.0.0.1:3000/auth/neverlose/callback', // in the demo seed
    },
    (_accessToken, profile, done) => done(null, profile),
  ),
);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user: Express.User, done) => done(null, user));

const app = express();
app.use(
  session({ secret: 'a-local-secret-of-32-characters!', resave: false, saveUninitialized: false }),
);
app.use(passport.session());
app.get('/auth/neverlose', passport.authenticate('neverlose'));
app.get(
  '/auth/neverlose/callback',
  passport.authenticate('neverlose', { failureRedirect: '/', successRedirect: '/' }),
);
app.get('/', (req, res) => {
  const user = req.user as PassportNeverloseProfile | undefined;
  if (user === undefined) return void res.send('<a href="/auth/neverlose">Log in</a>');
  res.type('text/plain').send(`Signed in as ${user.username}`); // text: no markup from a profile
});
const server = app.listen(3000); // open http://127.0.0.1:3000/ and sign in as alice

// #endregion

export { server };
